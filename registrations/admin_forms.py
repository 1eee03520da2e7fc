"""The admin's registration forms: adding one taken by phone, correcting one.

Both apply the change through the registration services while the form is validated (inside
the admin's transaction, in a savepoint), so that a refusal — a full workshop, a taken
e-mail — shows as a form error and changes nothing. The admin then saves nothing itself.
"""

from django import forms
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Session, Stop

from . import services
from .forms import check_lunch_needs_presence, phone_validator
from .models import DETAIL_FIELDS, Registration


class WorkshopsField(forms.ModelMultipleChoiceField):
    """Workshops as checkboxes: their time, title and seats left (and the stop when several)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, with_stop=True, **kwargs):
        self.with_stop = with_stop
        super().__init__(*args, **kwargs)

    def label_from_instance(self, workshop):
        start, end = timezone.localtime(workshop.starts_at), timezone.localtime(workshop.ends_at)
        seats = ngettext("%(n)s seat left", "%(n)s seats left", workshop.seats_left) % {
            "n": workshop.seats_left
        }
        label = (
            f"{formats.time_format(start)}–{formats.time_format(end)} – {workshop.title} ({seats})"
        )
        return f"{workshop.stop.city} {start:%d/%m} · {label}" if self.with_stop else label


class ServiceFormMixin:
    """Runs ``apply()`` once the fields are valid; a RegistrationError becomes a form error."""

    def _post_clean(self):
        pass  # the instance is written by the services, never by the form

    def clean(self):
        cleaned = super().clean()
        if "mode" in cleaned and "lunch" in self.changed_data:
            # Lunch ticked for someone online: refused. Left ticked while switching to
            # online: the service clears it, as the attendee's own switch does.
            check_lunch_needs_presence(self, cleaned["mode"])
        if not self.errors:
            try:
                with transaction.atomic():
                    self.instance = self.apply(cleaned)
            except services.RegistrationError as error:
                field = error.field if error.field in self.fields else None
                self.add_error(field, error.message)
        return cleaned


# The attendee's box ("put me on the waiting list"), in an organiser's words.
ACCEPT_WAITING_LIST = forms.BooleanField(
    label=_("If the day or the workshop is full, put the person on the waiting list"),
    required=False,
    help_text=_("They are told by e-mail as soon as a place frees up."),
)


class RegistrationAddForm(ServiceFormMixin, forms.ModelForm):
    workshops = WorkshopsField(
        label=_("Workshops"),
        queryset=Session.objects.none(),
        required=False,
        help_text=_("In person only; at most one per time slot."),
    )
    accept_waiting_list = ACCEPT_WAITING_LIST

    class Meta:
        model = Registration
        fields = ["stop", "email", *DETAIL_FIELDS[:6], "mode", *DETAIL_FIELDS[6:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["stop"].queryset = Stop.objects.published().filter(date__gte=today)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "The confirmation and the link to manage the registration are sent here."
        )
        self.fields["phone"].validators.append(phone_validator)
        self.fields["workshops"].queryset = (
            Session.objects.workshops()
            .filter(stop__in=self.fields["stop"].queryset)
            .select_related("stop")
            .order_by("stop__date", "starts_at", "pk")
        )

    def apply(self, cleaned):
        details = {name: cleaned[name] for name in self.Meta.fields}
        registration, _created = services.register(
            **details,
            workshops=list(cleaned["workshops"]),
            accept_waiting_list=cleaned["accept_waiting_list"],
            by_organiser=True,
        )
        return registration


class RegistrationChangeForm(ServiceFormMixin, forms.ModelForm):
    workshops = WorkshopsField(
        label=_("Workshops"), queryset=Session.objects.none(), required=False
    )
    accept_waiting_list = ACCEPT_WAITING_LIST

    class Meta:
        model = Registration
        fields = ["email", *DETAIL_FIELDS[:6], "mode", *DETAIL_FIELDS[6:]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registration = self.instance
        self.fields["email"].required = not registration.walk_in
        self.fields["phone"].validators.append(phone_validator)
        self.fields["workshops"].queryset = (
            Session.objects.workshops()
            .filter(stop_id=registration.stop_id)
            .select_related("stop")
            .order_by("starts_at", "pk")
        )
        self.initial["workshops"] = [b.session_id for b in registration.bookings.all()]

    def apply(self, cleaned):
        registration = self.instance
        changed = set(self.changed_data)
        # The address first: the e-mails the other changes send go to the corrected one,
        # never to a mistyped (perhaps a stranger's) address with a management link.
        if "email" in changed:
            registration = services.change_email(registration=registration, email=cleaned["email"])
        # Then the attendance: lunch, ticked with a switch to in person, is then kept.
        if "mode" in changed:
            registration = services.switch_mode(
                registration=registration,
                mode=cleaned["mode"],
                accept_waiting_list=cleaned["accept_waiting_list"],
                by_organiser=True,
            )
        details = {name: cleaned[name] for name in DETAIL_FIELDS if name in changed}
        if details:
            registration = services.update_details(registration=registration, **details)
        if "workshops" in changed:
            registration = services.change_workshops(
                registration=registration,
                workshops=list(cleaned["workshops"]),
                accept_waiting_list=cleaned["accept_waiting_list"],
                by_organiser=True,
            )
        return registration
