"""E-mails to registrants, in French, as plain text and HTML, sent after the commit."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from intercotour.mail import deliver, templated_email

from .calendars import registration_calendar
from .tokens import make_token


def manage_url(registration):
    return settings.SITE_URL + reverse("registrations:manage", args=[make_token(registration)])


def _send(template, registration, *, attach_calendar=False, extra=None):
    from .models import Registration

    registration = Registration.objects.select_related("stop", "stop__tour").get(pk=registration.pk)
    context = {
        "registration": registration,
        "stop": registration.stop,
        "bookings": list(
            registration.bookings.select_related("session").order_by("session__starts_at")
        ),
        "manage_url": manage_url(registration),
        "stop_url": settings.SITE_URL + registration.stop.get_absolute_url(),
        "site_url": settings.SITE_URL,
        **(extra or {}),
    }
    attachments = []
    if attach_calendar:
        with translation.override(settings.LANGUAGE_CODE):
            calendar = registration_calendar(registration)
        attachments.append(("intercotour.ics", calendar, "text/calendar"))
    deliver(
        templated_email(
            f"registrations/emails/{template}",
            context,
            to=[registration.email],
            attachments=attachments,
        )
    )


def _after_commit(template, registration, **options):
    transaction.on_commit(lambda: _send(template, registration, **options))


def send_registration_received(registration):
    """Confirmation, or waiting-list notice, with the management link."""
    _after_commit(
        "received",
        registration,
        attach_calendar=registration.status == registration.Status.CONFIRMED,
    )


def send_existing_registration(registration):
    _after_commit("existing", registration)


def send_registration_changed(registration):
    _after_commit("changed", registration, attach_calendar=True)


def send_promotion(registration):
    _after_commit("promoted", registration, attach_calendar=True)


def send_cancellation(registration):
    _after_commit("cancelled", registration)


def send_fresh_link(registration):
    _after_commit("fresh_link", registration)


def survey_url(registration):
    return settings.SITE_URL + reverse("registrations:survey", args=[make_token(registration)])


def send_survey_invitation(registration, *, deadline):
    """The day after: a short survey, answered at the registration's own link until ``deadline``."""
    extra = {"survey_url": survey_url(registration), "deadline": deadline}
    _after_commit("survey", registration, extra=extra)


def send_message_to(recipients, *, subject, body):
    """An organisers' message, one e-mail per recipient; returns (sent, failed)."""
    from django.core.mail import EmailMessage, get_connection

    sent = failed = 0
    with get_connection() as connection:
        for registration in recipients.iterator(chunk_size=500):
            message = EmailMessage(
                subject=f"[IntercoTOUR] {subject}",
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[registration.email],
                connection=connection,
            )
            try:
                sent += message.send()
            except Exception:  # noqa: BLE001 - one bad address must not stop the others
                failed += 1
    return sent, failed
