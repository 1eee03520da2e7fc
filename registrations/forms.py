"""Registration and self-service forms. The rules themselves live in ``services``."""

import copy
import functools

from django import forms
from django.core.validators import RegexValidator
from django.utils import formats, timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from events.models import group_into_slots
from events.typography import french_spacing
from intercotour.accessible_forms import AccessibleErrorsMixin

from .models import DETAIL_FIELDS, Registration

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,25}$", _("Enter a phone number, e.g. 06 12 34 56 78.")
)


class TelInput(forms.TextInput):
    """A phone number: the phone keypad on mobiles."""

    input_type = "tel"


class UniqueIdsMixin:
    """Ids prefixed with ``id_prefix``: unique on a page that holds several forms.

    The field names, and so what the browser posts, stay the same.
    """

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def seats_left_text(seats_left):
    """What a workshop's choice says of its seats: "(3 seats left)", "(full – waiting list)"."""
    if seats_left:
        seats = ngettext("%(n)s seat left", "%(n)s seats left", seats_left) % {"n": seats_left}
    else:
        seats = _("full – waiting list")
    return f"({seats})"


def _workshop_label(workshop, seat_marks=None):
    seats = seat_marks(workshop) if seat_marks else seats_left_text(workshop.seats_left)
    return f"{french_spacing(workshop.title)} {seats}"


def slot_field_name(starts_at):
    """The form field of the time slot starting at ``starts_at`` (any time zone)."""
    return f"workshop_{int(starts_at.timestamp())}"


class WorkshopChoiceMixin:
    """One radio group per time slot of parallel workshops: one workshop or none."""

    def add_workshop_fields(self, workshops, chosen=(), seat_marks=None, seat_labels=True):
        """``seat_marks(workshop)``: what stands for the seats left in a choice's label,
        filled in later (the cached blank form, ``registrations.form_page``).
        ``seat_labels``: false for a submission, whose seats are not read unless the form is
        shown again (``show_seats``): its choices name the workshops only, and each process
        makes such a field once (``_plain_slot_field``), then copies it."""
        self.workshop_fields = []
        self._workshops = {w.pk: w for w in workshops}
        for slot in group_into_slots(workshops):
            name = slot_field_name(slot.starts_at)
            if seat_labels:
                field = _slot_field(
                    slot.starts_at,
                    slot.ends_at,
                    tuple((str(w.pk), _workshop_label(w, seat_marks)) for w in slot.sessions),
                )
            else:
                field = copy.deepcopy(
                    _plain_slot_field(
                        get_language(),
                        timezone.get_current_timezone_name(),
                        slot.starts_at,
                        slot.ends_at,
                        tuple((w.pk, w.title) for w in slot.sessions),
                    )
                )
            field.initial = next((str(w.pk) for w in slot.sessions if w.pk in chosen), "")
            self.fields[name] = field
            self.workshop_fields.append(name)

    @property
    def workshop_bound_fields(self):
        return [self[name] for name in self.workshop_fields]

    def chosen_workshops(self):
        return [
            self._workshops[int(self.cleaned_data[name])]
            for name in self.workshop_fields
            if self.cleaned_data.get(name)
        ]

    def check_workshops_need_presence(self, mode):
        if mode == Registration.Mode.ONLINE:
            for name in self.workshop_fields:
                if self.cleaned_data.get(name):
                    self.add_error(
                        name,
                        _(
                            "Workshops are held in person only: choose in-person attendance "
                            "to take part."
                        ),
                    )


def check_lunch_needs_presence(form, mode):
    """Lunch is served on site: an online attendee's "lunch" would reach the caterer."""
    if mode == Registration.Mode.ONLINE and form.cleaned_data.get("lunch"):
        form.add_error(
            "lunch",
            _(
                "Lunch is served on site: untick it to follow the day online, or choose "
                "in-person attendance."
            ),
        )


def _time(value):
    return formats.time_format(timezone.localtime(value))


def _slot_field(starts_at, ends_at, choices):
    return forms.ChoiceField(
        label=_("Workshop from %(start)s to %(end)s")
        % {"start": _time(starts_at), "end": _time(ends_at)},
        choices=[("", _("No workshop")), *choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("In person only. One workshop per time slot."),
    )


@functools.lru_cache(maxsize=64)
def _plain_slot_field(language, zone, starts_at, ends_at, workshops):
    """A time slot's field, its choices naming the workshops ``((pk, title), ...)`` only: the
    same for every submission in ``language`` and time ``zone`` (its label's times)."""
    return _slot_field(
        starts_at, ends_at, tuple((str(pk), french_spacing(title)) for pk, title in workshops)
    )


ACCEPT_WAITING_LIST = forms.BooleanField(
    label=_("If the day or my workshop is full, put me on the waiting list"),
    required=False,
    help_text=_("You will be told by e-mail as soon as a place frees up."),
)


def category_choices():
    return [("", _("— choose —")), *Registration.Category.choices]


class RegistrationForm(AccessibleErrorsMixin, WorkshopChoiceMixin, forms.ModelForm):
    mode = forms.ChoiceField(
        label=_("How will you attend?"),
        choices=Registration.Mode.choices,
        widget=forms.RadioSelect,
        initial=Registration.Mode.IN_PERSON,
    )
    accept_waiting_list = ACCEPT_WAITING_LIST
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = Registration
        fields = [
            "first_name",
            "last_name",
            "email",
            "organisation",
            "job_title",
            "category",
            "phone",
            "mode",
            "lunch",
            "dietary_requirements",
            "reduced_mobility",
            "hearing_loop",
            "access_needs",
            "wants_news",
        ]
        labels = {
            "email": _("E-mail address"),
            "organisation": _("Organisation (e.g. your local authority)"),
            "category": _("You are"),
            "phone": _("Phone"),  # not marked "(required)", as every required field is
            "lunch": _("I will have lunch on site"),
            "dietary_requirements": _("Dietary requirements"),
            "reduced_mobility": _("I need step-free access (reduced mobility)"),
            "hearing_loop": _("I need a hearing loop"),
            "access_needs": _("Other access needs"),
            "wants_news": _("I would like to hear about future stops of the IntercoTOUR"),
        }
        help_texts = {
            "email": _("Your confirmation and the link to manage your registration go here."),
            "dietary_requirements": _("E.g. vegetarian, gluten-free, allergies."),
        }
        widgets = {"category": forms.Select, "phone": TelInput}

    def __init__(self, stop, *args, workshops=None, seat_marks=None, seat_labels=True, **kwargs):
        """``workshops``: the stop's, in programme order, when the caller has them already
        (``form_page.registration_stop``); ``seat_marks``, ``seat_labels``: see
        ``add_workshop_fields``."""
        super().__init__(*args, **kwargs)
        self.stop = stop
        self._word_attendance()
        self.fields["email"].required = True  # blank only for walk-ins at the door
        self.fields["phone"].validators.append(phone_validator)
        self.fields["category"].choices = category_choices()
        if workshops is None:
            workshops = list(stop.sessions.workshops().order_by("starts_at", "pk"))
        self.add_workshop_fields(workshops, seat_marks=seat_marks, seat_labels=seat_labels)
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "email": "email",
            "organisation": "organization",
            "job_title": "organization-title",
            "phone": "tel",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def _word_attendance(self):
        mode = self.fields["mode"]
        if self.stop.is_full:
            mode.initial = Registration.Mode.ONLINE
            mode.help_text = _(
                "All in-person places are taken, so online attendance is selected. To wait for "
                "an in-person place instead, choose “In person” and tick the waiting list box."
            )
        else:
            mode.initial, mode.help_text = Registration.Mode.IN_PERSON, ""

    def show_seats(self):
        """Word the form by the seats of its stop and workshops as they are now.

        A submission is checked before the seat counters are read (the registration service
        reads them under lock): when the form is shown again, the view reads them, then
        calls this.
        """
        self._word_attendance()
        # Checking the form made its bound fields, which copied the help text then.
        self["mode"].help_text = self.fields["mode"].help_text
        if "mode" in self.errors:
            self.describe_error("mode")
        for name in self.workshop_fields:
            field = self.fields[name]
            empty, *choices = field.choices
            field.choices = [
                empty,
                *((value, _workshop_label(self._workshops[int(value)])) for value, _ in choices),
            ]

    def _post_clean(self):
        # The model instance is built by the registration service, not by this form.
        pass

    def clean_email(self):
        email = self.cleaned_data["email"]
        # Django's address check lets these through, and no e-mail would reach them:
        # "name@localhost", "name@[127.0.0.1]", names reserved never to exist (RFC 6761).
        domain = email.rpartition("@")[2].rstrip(".").lower()
        if (
            domain == "localhost"
            or domain.startswith("[")
            or domain.endswith((".localhost", ".invalid", ".test"))
        ):
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid")
        return email

    def clean(self):
        cleaned = super().clean()
        self.check_workshops_need_presence(cleaned.get("mode"))
        check_lunch_needs_presence(self, cleaned.get("mode"))
        return cleaned

    def registration_details(self):
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.Meta.fields},
            "workshops": self.chosen_workshops(),
            "accept_waiting_list": data["accept_waiting_list"],
        }


class WorkshopsForm(UniqueIdsMixin, AccessibleErrorsMixin, WorkshopChoiceMixin, forms.Form):
    id_prefix = "workshops"
    accept_waiting_list = ACCEPT_WAITING_LIST

    def __init__(self, registration, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration = registration
        workshops = list(registration.stop.sessions.workshops().order_by("starts_at", "pk"))
        chosen = {booking.session_id for booking in registration.bookings.all()}
        self.add_workshop_fields(workshops, chosen)

    def clean(self):
        cleaned = super().clean()
        self.check_workshops_need_presence(self.registration.mode)
        return cleaned


class ModeForm(UniqueIdsMixin, AccessibleErrorsMixin, forms.Form):
    id_prefix = "attendance"
    mode = forms.ChoiceField(
        label=_("How will you attend?"), choices=Registration.Mode.choices, widget=forms.RadioSelect
    )
    accept_waiting_list = ACCEPT_WAITING_LIST


class DetailsForm(AccessibleErrorsMixin, forms.ModelForm):
    class Meta:
        model = Registration
        fields = DETAIL_FIELDS
        labels = RegistrationForm.Meta.labels
        widgets = {"phone": TelInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].validators.append(phone_validator)
        self.fields["category"].choices = category_choices()

    def clean(self):
        cleaned = super().clean()
        check_lunch_needs_presence(self, self.instance.mode)
        return cleaned

    def _post_clean(self):
        # Saved by the registration service.
        pass


class CancelForm(AccessibleErrorsMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I cancel my registration"),
        error_messages={"required": _("Tick the box to confirm the cancellation.")},
    )


class FreshLinkForm(AccessibleErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address used to register"), max_length=254)
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
