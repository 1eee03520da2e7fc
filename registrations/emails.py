"""E-mails to registrants, in French, as plain text and HTML, sent after the commit."""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from intercotour.mail import deliver, templated_email

from .calendars import registration_calendar
from .tickets import ticket_png
from .tokens import make_token

logger = logging.getLogger(__name__)


def manage_url(registration):
    return settings.SITE_URL + reverse("registrations:manage", args=[make_token(registration)])


def _send(template, registration, *, attach_calendar=False, extra=None):
    from .models import Registration

    registration = Registration.objects.select_related("stop", "stop__tour").get(pk=registration.pk)
    if not registration.email:  # a walk-in without e-mail, or an erased registration
        return
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
    ticket = _ticket_image(registration) if template == "received" else None
    if ticket:
        context["ticket_cid"] = ticket["Content-ID"].strip("<>")
        attachments.append(ticket)
    message = templated_email(
        f"registrations/emails/{template}",
        context,
        to=[registration.email],
        attachments=attachments,
    )
    if deliver(message):
        _log_sent(registration, template, message.subject)


def _ticket_image(registration):
    """The QR code ticket as an inline PNG (``cid:``), for those expected in person."""
    from email.mime.image import MIMEImage

    if not (registration.status == "confirmed" and registration.mode == "in_person"):
        return None
    image = MIMEImage(ticket_png(registration), "png")
    image.add_header("Content-ID", f"<ticket-{registration.pk}@intercotour>")
    image.add_header("Content-Disposition", "inline", filename="billet-intercotour.png")
    return image


def _log_sent(registration, template, subject):
    """A line in the person's e-mail history (see ``registrations.privacy``)."""
    from .models import SentEmail

    SentEmail.objects.create(registration=registration, template=template, subject=subject[:300])


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
