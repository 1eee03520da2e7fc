"""E-mails to registrants, in French, as plain text and HTML, sent after the commit."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .calendars import registration_calendar
from .tokens import make_token

logger = logging.getLogger(__name__)


def manage_url(registration):
    return settings.SITE_URL + reverse("registrations:manage", args=[make_token(registration)])


def _send(template, registration, *, attach_calendar=False, extra=None):
    from .models import Registration

    registration = Registration.objects.select_related("stop", "stop__tour").get(pk=registration.pk)
    if not registration.email:  # a walk-in without e-mail, or an erased registration
        return
    with translation.override(settings.LANGUAGE_CODE):
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
        subject = render_to_string(f"registrations/emails/{template}_subject.txt", context)
        text = render_to_string(f"registrations/emails/{template}.txt", context)
        html = render_to_string(f"registrations/emails/{template}.html", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[registration.email],
        )
        message.attach_alternative(html, "text/html")
        if attach_calendar:
            message.attach("intercotour.ics", registration_calendar(registration), "text/calendar")
    if deliver(message):
        _log_sent(registration, template, message.subject)


def _log_sent(registration, template, subject):
    """A line in the person's e-mail history (see ``registrations.privacy``)."""
    from .models import SentEmail

    SentEmail.objects.create(registration=registration, template=template, subject=subject[:300])


def deliver(message):
    """Send; a mail server failure is logged, never shown to someone whose change is saved.

    Returns whether the message left.

    Organisers can send the e-mail again from the admin ("resend the confirmation").
    """
    try:
        message.send()
    except Exception:
        logger.exception("E-mail to %s could not be sent: %s", message.to, message.subject)
        return False
    return True


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


def send_message_to(recipients, *, subject, body):
    """An organisers' message, one e-mail per recipient; returns (sent, failed)."""
    from django.core.mail import EmailMessage, get_connection

    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - mail server down: nothing sent, the organiser is told
        logger.exception("Mail server unreachable: organisers' message “%s” not sent.", subject)
        return 0, recipients.count()
    with connection:
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
            else:
                _log_sent(registration, "message", message.subject)
    return sent, failed
