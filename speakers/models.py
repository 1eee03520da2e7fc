"""Speakers and their roles in sessions."""

import secrets

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.content import ContentQuerySet
from events.models import Stop, TimestampedModel


def new_secret():
    return secrets.token_urlsafe(32)


class SpeakerQuerySet(ContentQuerySet):
    def public(self):
        """Speakers the site shows: those with a line-up in a published stop."""
        return self.filter(session_speakers__in=SessionSpeaker.objects.public()).distinct()


class Speaker(TimestampedModel):
    """A person who speaks, moderates or reports at one or several stops."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    job_title = models.CharField(_("job title"), max_length=300, blank=True)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    bio = models.TextField(_("short biography"), blank=True, max_length=2000)
    photo = models.ImageField(_("photo"), upload_to="speakers/", blank=True)
    show_photo = models.BooleanField(_("show the photo on the site"), default=True)
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        help_text=_(
            "Private: used to contact the speaker and to sign in to the speakers' area, never "
            "shown on the site."
        ),
    )
    sign_in_nonce = models.CharField(
        _("sign-in nonce"), max_length=64, default=new_secret, editable=False
    )
    calendar_token = models.CharField(
        _("calendar subscription key"),
        max_length=64,
        unique=True,
        default=new_secret,
        editable=False,
    )

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="speaker_unique_email",
                violation_error_message=_("Another speaker already has this e-mail address."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def public_photo(self):
        """The photo the site may show, or None: the speaker chooses."""
        return self.photo if self.photo and self.show_photo else None

    def get_absolute_url(self):
        return reverse("speakers:speaker_detail", kwargs={"slug": self.slug})


class SessionSpeakerQuerySet(ContentQuerySet):
    def public(self):
        """Line-ups of published stops: what the site shows of a speaker."""
        return self.filter(session__stop__status=Stop.Status.PUBLISHED)

    def of_days_over(self, today):
        return self.filter(session__stop__date__lt=today)


class SessionSpeaker(TimestampedModel):
    """A speaker's role in one session, and their place in the session's line-up."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        INTRODUCTION = "introduction", _("Introduction")
        WITH = "with", _("Co-presenter (with)")
        RAPPORTEUR = "rapporteur", _("Rapporteur")
        HOST = "host", _("Host")

    session = models.ForeignKey(
        "events.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="session_speakers",
        db_index=False,  # sessionspeaker_unique_per_session starts with it
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        on_delete=models.CASCADE,
        related_name="session_speakers",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # What the programme prints beside the name. Blank: the speaker's profile, as it is now.
    # Filled in from the profile for the days that are over before the profile changes, so
    # that an archived programme stays as it was on the day.
    job_title = models.CharField(
        _("job title shown"),
        max_length=300,
        blank=True,
        help_text=_("As printed in this session's programme; blank: the speaker's profile."),
    )
    organisation = models.CharField(
        _("organisation shown"),
        max_length=300,
        blank=True,
        help_text=_("As printed in this session's programme; blank: the speaker's profile."),
    )

    objects = SessionSpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("session speaker")
        verbose_name_plural = _("session speakers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker"],
                name="sessionspeaker_unique_per_session",
                violation_error_message=_("This speaker is already in this session."),
            ),
        ]

    def __str__(self):
        return f"{self.speaker} – {self.get_role_display()}"


class RestitutionQuerySet(ContentQuerySet):
    def published(self):
        return self.filter(status=Restitution.Status.PUBLISHED)


class Restitution(TimestampedModel):
    """What a workshop produced, written by its rapporteur, published by the organisers.

    The stop page shows it once the day is over and it is published, through the
    ``restitution`` relation of ``events.Session`` (events does not import this model).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for publication")
        PUBLISHED = "published", _("Published")

    session = models.OneToOneField(
        "events.Session",
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="restitution",
        limit_choices_to={"kind": "workshop"},
    )
    summary = models.TextField(
        _("short summary"),
        max_length=1500,
        help_text=_("A few sentences: what the workshop was about and what came out of it."),
    )
    key_points = models.TextField(
        _("key points"), max_length=5000, blank=True, help_text=_("One point per line.")
    )
    proposals = models.TextField(
        _("proposals"), max_length=5000, blank=True, help_text=_("One proposal per line.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    author = models.ForeignKey(
        Speaker,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restitutions",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = RestitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop restitution")
        verbose_name_plural = _("workshop restitutions")
        ordering = ["session__starts_at", "session__pk"]
        permissions = [("publish_restitution", _("Can publish a workshop restitution"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""),
                name="restitution_has_a_summary",
                violation_error_message=_("A restitution needs a short summary."),
            ),
        ]

    def __str__(self):
        return str(self.session.title)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def key_point_lines(self):
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]

    @property
    def proposal_lines(self):
        return [line.strip() for line in self.proposals.splitlines() if line.strip()]


def document_path(instance, filename):
    """A random name: the uploaded file's own name is never used on disk."""
    return f"documents/{secrets.token_urlsafe(18)}.pdf"


class SessionDocument(TimestampedModel):
    """A PDF a speaker gives for a session (slides, a handout), checked when uploaded.

    The stop page lists a session's documents once the day is over, through the
    ``documents`` relation of ``events.Session``.
    """

    session = models.ForeignKey(
        "events.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"))

    objects = ContentQuerySet.as_manager()

    class Meta:
        verbose_name = _("session document")
        verbose_name_plural = _("session documents")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("speakers:document", kwargs={"pk": self.pk})
