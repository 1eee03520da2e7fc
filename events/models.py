"""The tour, its stops (one "journée expert" each), their programme, contacts and partners."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .content import ContentQuerySet


class TimestampedModel(models.Model):
    """Creation and last-change times; the public pages' cache keys are built on them."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


PROSE_HELP = _(
    "Plain text: paragraphs separated by a blank line; a line starting with “- ” is a bullet."
)


class Tour(TimestampedModel):
    """A season of the IntercoTOUR, e.g. "IntercoTOUR 2023-2024"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    manifesto_title = models.CharField(
        _("manifesto title"),
        max_length=250,
        blank=True,
        help_text=_("Shown on the tour's page and linked from the home page."),
    )
    manifesto = models.TextField(_("manifesto"), blank=True, help_text=PROSE_HELP)
    social_line = models.CharField(
        _("social networks"),
        max_length=200,
        blank=True,
        help_text=_("Accounts and hashtags, as printed, e.g. @interconnectes #intercoTour."),
    )

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("tour")
        verbose_name_plural = _("tours")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class StopQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(status=Stop.Status.PUBLISHED)

    def upcoming(self, today=None):
        return self.filter(date__gte=today or timezone.localdate()).order_by("date")

    def past(self, today=None):
        return self.filter(date__lt=today or timezone.localdate()).order_by("-date")

    def next_first(self, today=None):
        """Upcoming stops from the nearest, then the past ones from the most recent."""
        return self.order_by(*next_first_ordering(today))

    def with_programme(self):
        """Everything a stop page shows, in a fixed number of queries.

        Each session's line-up comes through the ``session_speakers`` relation that the
        speakers app adds (in its own order: ``order``, then creation); events does not import it.
        So do, for the days that are over, each workshop's ``restitution`` and each session's
        ``documents`` (speakers app).
        """
        return self.select_related("tour").prefetch_related(
            models.Prefetch(
                "sessions", queryset=Session.objects.order_by("starts_at", "ends_at", "pk")
            ),
            "sessions__session_speakers__speaker",
            "sessions__restitution",
            "sessions__documents",
            models.Prefetch("contacts", queryset=Contact.objects.order_by("order", "pk")),
            models.Prefetch("tour__contacts", queryset=Contact.objects.order_by("order", "pk")),
            models.Prefetch("partners", queryset=Partner.objects.order_by("kind", "order", "name")),
        )

    def with_calendar(self):
        """What the programme's calendar feed shows: the sessions, in order, and line-ups."""
        return self.prefetch_related(
            models.Prefetch(
                "sessions", queryset=Session.objects.order_by("starts_at", "ends_at", "pk")
            ),
            "sessions__session_speakers__speaker",
        )


def next_first_ordering(today=None, *, prefix=""):
    """An ``order_by`` putting the next stop first: upcoming by date, then past, newest first.

    ``prefix`` orders another model by its stop (``"stop__"``).
    """
    today = today or timezone.localdate()
    date = f"{prefix}date"
    past = models.Case(
        models.When(**{f"{date}__lt": today}, then=models.Value(1)),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )
    upcoming_date = models.Case(models.When(**{f"{date}__gte": today}, then=models.F(date)))
    return [past.asc(), upcoming_date.asc(), models.F(date).desc()]


RESERVED_SLUGS = {"admin", "i18n", "intervenants", "accessibilite", "confidentialite", "static",
                  "media", "espace-intervenant", "inscription", "healthz", "langue",
                  "tournee", "readyz", "api", "attestation", "mon-parcours"}  # fmt: skip


def validate_stop_slug(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for a page of the site."), params={"slug": value}
        )


def parse_reminder_days(value):
    """``"7,2"`` → ``[7, 2]`` (largest first); raises ValueError on anything else."""
    days = sorted({int(part) for part in value.replace(" ", "").split(",") if part}, reverse=True)
    if any(day < 1 or day > 60 for day in days):
        raise ValueError(value)
    return days


def validate_reminder_days(value):
    try:
        parse_reminder_days(value)
    except ValueError:
        raise ValidationError(
            _("Give whole numbers of days between 1 and 60, separated by commas, e.g. 7,2.")
        ) from None


class RegistrationState(models.TextChoices):
    """Where a stop's registration stands; the CSS class and the wording follow it."""

    NOT_OPEN_YET = "not_open_yet", _("Registration not open yet")
    OPEN = "open", _("Registration open")
    FULL = "full", _("Full in person – online places and waiting list")
    CLOSED = "closed", _("Registration closed")


class Stop(TimestampedModel):
    """One journée expert of a tour, in one city, on one day."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    tour = models.ForeignKey(
        Tour, verbose_name=_("tour"), on_delete=models.PROTECT, related_name="stops"
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        validators=[validate_stop_slug],
        help_text=_("Address of the stop's page, e.g. transfo-montpellier-07122023."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    region = models.CharField(_("region"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), default=datetime.time(8, 30))
    end_time = models.TimeField(_("end time"), default=datetime.time(17, 0))
    theme = models.CharField(_("theme"), max_length=200)
    title = models.CharField(_("title"), max_length=250)
    intro = models.TextField(_("introduction"), blank=True)
    highlights_title = models.CharField(_("“To discover” title"), max_length=250, blank=True)
    highlights = models.TextField(_("“To discover” text"), blank=True, help_text=PROSE_HELP)

    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    access_public_transport = models.TextField(_("by public transport"), blank=True)
    access_car = models.TextField(_("by car and parking"), blank=True)
    access_from_station = models.TextField(_("from the railway station"), blank=True)

    capacity = models.PositiveIntegerField(
        _("in-person capacity"), help_text=_("Number of in-person places for the day.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    seats_taken = models.PositiveIntegerField(
        _("in-person places taken"),
        default=0,
        editable=False,
        help_text=_("Confirmed in-person registrations; kept by the registration services."),
    )
    more_info_url = models.URLField(
        _("“more information” link"),
        blank=True,
        help_text=_("A page with more information (printed “Plus d’infos”); not the live stream."),
    )
    online_url = models.URLField(
        _("live-stream link"),
        blank=True,
        help_text=_("Where online attendees follow the day live. Blank: no link is shown."),
    )
    reminder_days = models.CharField(
        _("reminders (days before)"),
        max_length=50,
        default="7,2",
        blank=True,
        validators=[validate_reminder_days],
        help_text=_(
            "Days before the day when those holding an in-person place are asked to confirm "
            "or free it, e.g. “7,2”; empty: no such reminder."
        ),
    )
    hashtag = models.CharField(
        _("social networks"),
        max_length=100,
        blank=True,
        help_text=_("Accounts and hashtags, as printed, e.g. @interconnectes #intercoTour."),
    )
    partners = models.ManyToManyField(
        "Partner", verbose_name=_("partners"), related_name="stops", blank=True
    )

    objects = StopQuerySet.as_manager()

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="stop_capacity_positive",
                violation_error_message=_("The in-person capacity must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")),
                name="stop_not_overbooked",
                violation_error_message=_(
                    "The in-person capacity cannot be lower than the places already taken."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="stop_ends_after_start",
                violation_error_message=_("The day must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=F("registration_opens_at")),
                name="stop_registration_closes_after_opening",
                violation_error_message=_("Registration must close after it opens."),
            ),
        ]

    def __str__(self):
        return f"{self.city} – {self.date:%d/%m/%Y} – {self.title}"

    def get_absolute_url(self):
        return reverse("events:stop_detail", kwargs={"slug": self.slug})

    @property
    def reminder_days_list(self):
        try:
            return parse_reminder_days(self.reminder_days)
        except ValueError:
            return []

    @property
    def reminder_dates(self):
        """The days the "confirm or free your place" reminders go out, earliest first."""
        days_before = self.reminder_days_list
        return sorted({self.date - datetime.timedelta(days=days) for days in days_before})

    @property
    def places_left(self):
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self):
        return self.seats_taken >= self.capacity

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED

    @property
    def ends_at(self):
        """The end of the day, as an aware date and time."""
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))

    def is_over(self, now=None):
        return (now or timezone.now()) >= self.ends_at

    def registration_window(self, now=None):
        """NOT_OPEN_YET, OPEN or CLOSED, from the dates and the status only."""
        now = now or timezone.now()
        if not self.is_public or now >= self.registration_closes_at:
            return RegistrationState.CLOSED
        if now < self.registration_opens_at:
            return RegistrationState.NOT_OPEN_YET
        return RegistrationState.OPEN

    def registration_state(self, now=None):
        """What the registration call to action says: the window, or FULL while open."""
        window = self.registration_window(now)
        if window == RegistrationState.OPEN and self.is_full:
            return RegistrationState.FULL
        return window


class SessionQuerySet(ContentQuerySet):
    def workshops(self):
        return self.filter(kind=Session.Kind.WORKSHOP)


class Session(TimestampedModel):
    """One time-slotted item of a stop's programme."""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Welcome")
        INTRODUCTION = "introduction", _("Introduction")
        PLENARY = "plenary", _("Plenary")
        KEYNOTE = "keynote", _("Keynote")
        ROUND_TABLE = "round_table", _("Round table")
        TESTIMONIALS = "testimonials", _("Testimonials")
        BREAK = "break", pgettext_lazy("session kind", "Break / lunch")
        WORKSHOP = "workshop", _("Workshop")
        CLOSING = "closing", _("Closing")

    stop = models.ForeignKey(
        Stop,
        verbose_name=_("stop"),
        on_delete=models.CASCADE,
        related_name="sessions",
        db_index=False,  # session_stop_start_idx starts with it
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    room = models.CharField(_("room"), max_length=100, blank=True)
    in_person_only = models.BooleanField(
        _("in person only"),
        default=False,
        help_text=_("Not broadcast online: only in-person attendees can take part."),
    )
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Required for workshops: attendees book one of these seats."),
    )
    seats_taken = models.PositiveIntegerField(
        _("seats taken"),
        default=0,
        editable=False,
        help_text=_("Confirmed workshop bookings; kept by the registration services."),
    )
    replay_url = models.URLField(
        _("replay link"),
        blank=True,
        validators=[
            URLValidator(schemes=["https"], message=_("Enter an address starting with https://."))
        ],
        help_text=_("The recording of the session (https only); shown once the day is over."),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "ends_at", "pk"]
        indexes = [models.Index(fields=["stop", "starts_at"], name="session_stop_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="workshop") | Q(capacity__isnull=False, capacity__gt=0),
                name="session_workshop_has_capacity",
                violation_error_message=_("A workshop needs a number of seats greater than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="workshop") | Q(in_person_only=True),
                name="session_workshop_in_person_only",
                violation_error_message=_("Workshops are participatory and held in person only."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="session_capacity_positive",
                violation_error_message=_("The number of seats must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken=0) | Q(seats_taken__lte=F("capacity")),
                name="session_not_overbooked",
                violation_error_message=_(
                    "The number of seats cannot be lower than the seats already booked."
                ),
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{local:%d/%m/%Y} {formats.time_format(local)} – {self.title}"

    def get_absolute_url(self):
        return f"{self.stop.get_absolute_url()}#session-{self.pk}"

    @property
    def is_workshop(self):
        return self.kind == self.Kind.WORKSHOP

    @property
    def title_names_its_kind(self):
        """ "Témoignages – comment j’intègre…", "Keynote expert": no "Témoignages : " before it."""
        return self.title.casefold().startswith(str(self.get_kind_display()).casefold())

    @property
    def seats_left(self):
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)


@dataclass
class TimeSlot:
    """Sessions whose times overlap: they run in parallel."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    sessions: list = field(default_factory=list)

    @property
    def is_parallel(self):
        return len(self.sessions) > 1


def group_into_slots(sessions):
    """Group sessions (any iterable) into time slots of overlapping sessions, in time order.

    This is the one definition of "running at the same time": overlaps chain, so with A 9-10,
    B 9:30-11 and C 10:30-12, A, B and C form one slot even though A and C do not overlap.
    The registration form shows one choice per slot and the services accept one per slot.
    """
    slots = []
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.pk or 0)):
        if slots and session.starts_at < slots[-1].ends_at:
            slot = slots[-1]
            slot.sessions.append(session)
            slot.ends_at = max(slot.ends_at, session.ends_at)
        else:
            slots.append(TimeSlot(session.starts_at, session.ends_at, [session]))
    return slots


def more_than_one_per_slot(chosen, workshops):
    """Whether ``chosen`` holds two workshops of one time slot of ``workshops`` (all a stop's)."""
    chosen_ids = {workshop.pk for workshop in chosen}
    return any(
        sum(session.pk in chosen_ids for session in slot.sessions) > 1
        for slot in group_into_slots(workshops)
    )


class Contact(TimestampedModel):
    """An organiser's contact for a stop or for a whole tour."""

    tour = models.ForeignKey(
        Tour,
        verbose_name=_("tour"),
        on_delete=models.CASCADE,
        related_name="contacts",
        null=True,
        blank=True,
    )
    stop = models.ForeignKey(
        Stop,
        verbose_name=_("stop"),
        on_delete=models.CASCADE,
        related_name="contacts",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200)
    responsibilities = models.CharField(_("responsibilities"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(tour__isnull=False) & Q(stop__isnull=True))
                | (Q(tour__isnull=True) & Q(stop__isnull=False)),
                name="contact_for_a_tour_or_a_stop",
                violation_error_message=_("A contact belongs either to a tour or to a stop."),
            ),
        ]

    def __str__(self):
        return self.name


class Partner(TimestampedModel):
    """An organiser or partner shown on stop pages."""

    class Kind(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        PARTNER = "partner", _("Partner")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PARTNER)
    url = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/", blank=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["kind", "order", "name"]

    def __str__(self):
        return self.name
