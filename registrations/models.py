"""Registrations to a stop, workshop bookings and their waiting lists."""

import datetime
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import TimestampedModel


def new_management_key():
    return secrets.token_urlsafe(24)


# What registrants may change themselves, in the order their form shows it (not the e-mail,
# which identifies them, nor anything that takes or frees a seat).
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "organisation",
    "job_title",
    "category",
    "phone",
    "lunch",
    "dietary_requirements",
    "reduced_mobility",
    "hearing_loop",
    "access_needs",
    "wants_news",
)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def active_with_email(self, email):
        """The active registrations of ``email``, in any case.

        Written as the one-per-stop unique index is (``lower(email)``, active, not blank), so
        that PostgreSQL looks the address up in it: ``email__iexact`` compares ``UPPER()``s,
        which no index has, and reads every registration of the stop instead.
        """
        return (
            self.active()
            .exclude(email="")
            .alias(email_lower=Lower("email"))
            .filter(email_lower=Lower(Value(email)))
        )

    def expected_in_person(self):
        """Those with a confirmed in-person place: the people at the door."""
        return self.filter(status=Registration.Status.CONFIRMED, mode=Registration.Mode.IN_PERSON)

    def waiting_in_line(self):
        """The stop's waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")

    def certifiable(self):
        """Checked in at the desk and not cancelled: those an attendance certificate names."""
        return self.active().filter(checked_in_at__isnull=False)


class Registration(TimestampedModel):
    """One attendee's registration to one stop, in person or online."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Category(models.TextChoices):
        ELECTED = "elected", _("Elected official")
        LOCAL_STAFF = "local_staff", _("Local authority staff")
        STATE = "state", _("State / administration")
        COMPANY = "company", _("Company")
        ASSOCIATION = "association", _("Association")
        RESEARCH = "research", _("Research / university")
        OTHER = "other", _("Other")

    stop = models.ForeignKey(
        "events.Stop",
        verbose_name=_("stop"),
        on_delete=models.PROTECT,
        related_name="registrations",
        db_index=False,  # the indexes below start with the stop
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(
        _("e-mail"), max_length=254, blank=True, help_text=_("Blank only for walk-ins.")
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    mode = models.CharField(_("attendance"), max_length=20, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    lunch = models.BooleanField(_("lunch"), default=False)
    dietary_requirements = models.CharField(_("dietary requirements"), max_length=300, blank=True)
    reduced_mobility = models.BooleanField(_("reduced mobility"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    access_needs = models.CharField(_("other access needs"), max_length=300, blank=True)
    wants_news = models.BooleanField(_("wants news of future stops"), default=False)
    # Unique by a constraint (below), not ``unique=True``: on PostgreSQL that also made a
    # ``LIKE`` index, which no query of a key uses and every registration wrote to.
    management_key = models.CharField(
        _("management key"), max_length=64, default=new_management_key, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    attendance_confirmed_at = models.DateTimeField(
        _("attendance confirmed at"),
        null=True,
        blank=True,
        help_text=_("Answered “I confirm” to a reminder."),
    )
    seat_freed_at = models.DateTimeField(
        _("place freed at"),
        null=True,
        blank=True,
        help_text=_("Answered “I free my place” to a reminder."),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    certificate_sent_at = models.DateTimeField(
        _("attendance certificate sent at"), null=True, blank=True, editable=False
    )

    walk_in = models.BooleanField(
        _("walk-in"), default=False, help_text=_("Came on the day without registering.")
    )
    survey_sent_at = models.DateTimeField(
        _("survey sent at"), null=True, blank=True, editable=False
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stop", "status", "waiting_since"], name="registration_queue_idx"),
            # The back-office lists newest first, with the id as the tie-breaker.
            models.Index(fields=["-created_at", "-id"], name="registration_newest_idx"),
            models.Index(
                fields=["stop", "-created_at", "-id"], name="registration_stop_newest_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["management_key"], name="registration_management_key_unique"
            ),
            models.UniqueConstraint(
                Lower("email"),
                "stop",
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="registration_one_per_email_per_stop",
                violation_error_message=_("This e-mail address is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(mode="online", status="waiting"),
                name="registration_online_never_waits",
                violation_error_message=_("Online attendance has no waiting list."),
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="registration_waiting_has_a_place_in_line",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} – {self.stop}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def holds_in_person_place(self):
        return self.mode == self.Mode.IN_PERSON and self.status == self.Status.CONFIRMED


class WorkshopBookingQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=WorkshopBooking.Status.CONFIRMED)

    def waiting_in_line(self):
        """A workshop's waiting list, first come first served, for attendees sure to come."""
        return self.filter(
            status=WorkshopBooking.Status.WAITING,
            registration__status=Registration.Status.CONFIRMED,
            registration__mode=Registration.Mode.IN_PERSON,
        ).order_by("waiting_since", "pk")


class WorkshopBooking(TimestampedModel):
    """A registrant's seat (or place on the waiting list) in one in-person workshop."""

    class Status(models.TextChoices):
        # Agrees with the workshop, not the registration ("atelier … (confirmé)").
        CONFIRMED = "confirmed", pgettext_lazy("a workshop booking", "Confirmed")
        WAITING = "waiting", _("On the waiting list")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="bookings",
        db_index=False,  # workshopbooking_once_per_workshop starts with it
    )
    session = models.ForeignKey(
        "events.Session",
        verbose_name=_("workshop"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)

    objects = WorkshopBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop booking")
        verbose_name_plural = _("workshop bookings")
        ordering = ["session__starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                name="workshopbooking_once_per_workshop",
                violation_error_message=_("This workshop is already chosen."),
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="workshopbooking_waiting_has_a_place_in_line",
            ),
        ]

    def __str__(self):
        return f"{self.registration} – {self.session.title}"


class AttendeeSignIn(TimestampedModel):
    """The one-time sign-in nonce of "Mon parcours" for one e-mail address.

    Attendees have no account: their registrations share an e-mail address. This row holds
    the nonce that the e-mailed sign-in link carries; using the link renews it, so that each
    link works once. It is created only for an address that has registrations.
    """

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)  # stored lowercased
    sign_in_nonce = models.CharField(
        _("sign-in nonce"), max_length=64, default=new_management_key, editable=False
    )

    class Meta:
        verbose_name = _("attendee sign-in")
        verbose_name_plural = _("attendee sign-ins")

    def __str__(self):
        return self.email


class Message(TimestampedModel):
    """An organisers' message to some of a stop's registrants, sent by a task."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("All confirmed registrants of the day")
        IN_PERSON = "in_person", _("Confirmed in person only")
        ONLINE = "online", _("Confirmed online only")
        WAITING = "waiting", _("The day's waiting list")
        WORKSHOP = "workshop", _("A workshop's confirmed attendees")
        WORKSHOP_WAITING = "workshop_waiting", _("A workshop's waiting list")

    stop = models.ForeignKey(
        "events.Stop", verbose_name=_("stop"), on_delete=models.CASCADE, related_name="messages"
    )
    audience = models.CharField(_("recipients"), max_length=20, choices=Audience.choices)
    workshop = models.ForeignKey(
        "events.Session",
        verbose_name=_("workshop"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    sent_by = models.CharField(_("sent by"), max_length=150, blank=True)
    recipients = models.PositiveIntegerField(_("number of recipients"), default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=["workshop", "workshop_waiting"], workshop__isnull=False)
                | (~Q(audience__in=["workshop", "workshop_waiting"]) & Q(workshop__isnull=True)),
                name="message_workshop_for_workshop_audiences",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def batch(self):
        return f"message:{self.pk}"


class CertificateArchive(TimestampedModel):
    """The attendance certificates of a stop in one ZIP, built by a task for the organisers.

    The archive holds names: it is kept ``ARCHIVE_DAYS`` (the daily purge), and goes as soon as
    one of the stop's registrations is erased.
    """

    ARCHIVE_DAYS = 7
    # Longer than any day's build (a few hundred certificates, a fraction of a second each): an
    # archive still being prepared after this lost its worker (a deploy, a kill), and may be
    # asked for again.
    STALLED_AFTER = datetime.timedelta(minutes=30)

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    stop = models.ForeignKey(
        "events.Stop",
        verbose_name=_("stop"),
        on_delete=models.CASCADE,
        related_name="certificate_archives",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)
    certificates = models.PositiveIntegerField(_("number of certificates"), default=0)
    content = models.BinaryField(_("ZIP archive"), editable=False, default=b"")
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate archive")
        verbose_name_plural = _("certificate archives")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two clicks, or two organisers, at once: one archive is prepared, not two.
            models.UniqueConstraint(
                fields=["stop"],
                condition=Q(status="preparing"),
                name="one_certificate_archive_prepared_per_stop",
            ),
        ]

    def __str__(self):
        created = timezone.localtime(self.created_at)
        return f"{self.stop} – {created:%d/%m/%Y} {formats.time_format(created)}"

    @property
    def stalled(self):
        return (
            self.status == self.Status.PREPARING
            and self.created_at < timezone.now() - self.STALLED_AFTER
        )


RATINGS = range(1, 6)


def rating_field(verbose_name):
    return models.PositiveSmallIntegerField(
        verbose_name, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class SurveyResponse(TimestampedModel):
    """An attendee's opinion of the day, given after it: one per registration, editable."""

    registration = models.OneToOneField(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="survey_response",
    )
    overall_rating = rating_field(_("overall rating"))
    comments = models.TextField(_("comments"), max_length=3000, blank=True)
    themes_wanted = models.TextField(_("themes wanted next"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_rating__gte=1, overall_rating__lte=5),
                name="surveyresponse_rating_1_to_5",
                violation_error_message=_("A rating goes from 1 to 5."),
            ),
        ]

    def __str__(self):
        return str(self.registration)


class SessionRating(models.Model):
    """How useful one session of the day was, for one response."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("survey response"),
        on_delete=models.CASCADE,
        related_name="ratings",
        db_index=False,  # sessionrating_once_per_session starts with it
    )
    session = models.ForeignKey(
        "events.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="survey_ratings",
    )
    usefulness = rating_field(_("usefulness"))

    class Meta:
        verbose_name = _("session rating")
        verbose_name_plural = _("session ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "session"], name="sessionrating_once_per_session"
            ),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5),
                name="sessionrating_usefulness_1_to_5",
                violation_error_message=_("A rating goes from 1 to 5."),
            ),
        ]

    def __str__(self):
        return f"{self.session_id}: {self.usefulness}/5"
