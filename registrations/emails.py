"""E-mails to registrants, in French, as plain text and HTML.

Each ``send_*`` records the e-mail in the outbox (``background.outbox``) inside the caller's
transaction; a worker renders and sends it later (``render`` and friends, called with the
delivery), retrying when the mail server fails. Nothing is rendered or sent in the request.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from background.outbox import NothingToSend, queue_email
from intercotour.mail import templated_email

from .calendars import registration_calendar
from .tickets import ticket_png
from .tokens import make_token

RENDERER = "registrations.emails.render"
# The e-mails that say where the registration stands: they carry the QR code ticket whenever
# an in-person place is held (a first confirmation, a promotion, a switch to in person).
TICKET_TEMPLATES = {"received", "changed", "promoted"}


def manage_url(registration):
    return settings.SITE_URL + reverse("registrations:manage", args=[make_token(registration)])


def _not_after_the_day(registration):
    """An e-mail about coming to the day, held up until the day was over (a mail outage):
    not sent any more."""
    if registration.stop.date < timezone.localdate():
        raise NothingToSend("The day is over.")


def _registration(pk):
    from .models import Registration

    registration = Registration.objects.select_related("stop", "stop__tour").filter(pk=pk).first()
    if registration is None or not registration.email:
        raise NothingToSend("The registration no longer exists.")
    return registration


def registration_context(registration, **extra):
    return {
        "registration": registration,
        "stop": registration.stop,
        "bookings": list(
            registration.bookings.select_related("session").order_by("session__starts_at")
        ),
        "manage_url": manage_url(registration),
        "stop_url": settings.SITE_URL + registration.stop.get_absolute_url(),
        "site_url": settings.SITE_URL,
        **extra,
    }


def calendar_attachment(registration):
    with translation.override(settings.LANGUAGE_CODE):
        return ("intercotour.ics", registration_calendar(registration), "text/calendar")


def render(delivery):
    """The message of a registration e-mail (``params``: registration, template, calendar)."""
    registration = _registration(delivery.params["registration"])
    template = delivery.params["template"]
    if template in TICKET_TEMPLATES:
        if registration.status == "cancelled":
            # Queued (a confirmation, a change), then cancelled before it left: it would
            # describe a registration that no longer holds, "(cancelled)", after the
            # cancellation e-mail.
            raise NothingToSend("The registration was cancelled.")
        _not_after_the_day(registration)
    context = registration_context(registration, held_place=delivery.params.get("held_place"))
    calendar = delivery.params.get("calendar")
    if template == "received":
        # As the ticket: from the place held when the e-mail is sent.
        calendar = registration.status == registration.Status.CONFIRMED
    attachments = [calendar_attachment(registration)] if calendar else []
    ticket = _ticket_image(registration) if template in TICKET_TEMPLATES else None
    if ticket:
        context["ticket_cid"] = ticket["Content-ID"].strip("<>")
        attachments.append(ticket)
    return templated_email(
        f"registrations/emails/{template}",
        context,
        to=[delivery.recipient],
        attachments=attachments,
    )


def _queue(
    template, registration, *, calendar=False, once=False, renderer=RENDERER, extra=None, key=None
):
    """``once``: an event that happens once per registration (its key says so); ``key``: the
    event's own name, when it is not once per registration."""
    if not registration.email:
        return None
    params = {"registration": registration.pk, "template": template, "calendar": calendar}
    return queue_email(
        kind=template,
        to=registration.email,
        renderer=renderer,
        params={**params, **(extra or {})},
        key=f"registration:{registration.pk}:{template}" if once else key,
        stop=registration.stop,
    )


def _ticket_image(registration):
    """The QR code ticket as an inline PNG (``cid:``), for those expected in person."""
    from email.mime.image import MIMEImage

    if not registration.holds_in_person_place:
        return None
    image = MIMEImage(ticket_png(registration), "png")
    image.add_header("Content-ID", f"<ticket-{registration.pk}@intercotour>")
    image.add_header("Content-Disposition", "inline", filename="billet-intercotour.png")
    return image


def send_registration_received(registration):
    """Confirmation, or waiting-list notice, with the management link; with the calendar
    and the ticket when the place is confirmed at the time of sending.

    Queued once by the transaction that creates the registration: no key lookup needed (a
    plain INSERT, the cheapest write on the hot path of a registration burst).
    """
    _queue("received", registration)


def send_existing_registration(registration):
    _queue("existing", registration)


def send_registration_changed(registration):
    _queue("changed", registration, calendar=True)


def send_promotion(registration):
    _queue("promoted", registration, calendar=True)


def send_cancellation(registration, *, held_place):
    """``held_place``: whether a confirmed in-person place was freed (the e-mail says it goes
    to the waiting list); known when cancelling, not when the e-mail is rendered."""
    _queue("cancelled", registration, once=True, extra={"held_place": held_place})


def send_fresh_link(registration, *, request=None):
    """``request``: the asking's id (its task): asked twice, sent twice; run twice, sent once."""
    key = f"registration:{registration.pk}:fresh_link:{request}" if request else None
    _queue("fresh_link", registration, key=key)


def send_message(message, registration):
    """An organisers' message to one registrant (once per message and person)."""
    return queue_email(
        kind="message",
        to=registration.email,
        renderer="registrations.emails.render_message",
        params={"registration": registration.pk, "message": message.pk},
        key=f"message:{message.pk}:{registration.pk}",
        stop=message.stop,
        batch=message.batch,
    )


def send_survey_invitation(registration, *, deadline):
    """The day after: a short survey, answered at the registration's own link until ``deadline``.

    Once per registration (its key); the worker renders it.
    """
    return _queue(
        "survey",
        registration,
        once=True,
        renderer="registrations.emails.render_survey",
        extra={"deadline": deadline.isoformat()},
    )


def survey_url(registration):
    return settings.SITE_URL + reverse("registrations:survey", args=[make_token(registration)])


def render_survey(delivery):
    registration = _registration(delivery.params["registration"])
    deadline = datetime.date.fromisoformat(delivery.params["deadline"])
    return templated_email(
        "registrations/emails/survey",
        registration_context(registration, survey_url=survey_url(registration), deadline=deadline),
        to=[delivery.recipient],
    )


def render_message(delivery):
    """ "Bonjour Prénom", the organisers' text, the standard footer and the person's link."""
    from .models import Message

    registration = _registration(delivery.params["registration"])
    message = Message.objects.filter(pk=delivery.params["message"]).first()
    if message is None:
        raise NothingToSend("The message no longer exists.")
    return templated_email(
        "registrations/emails/message",
        registration_context(registration, message=message),
        to=[delivery.recipient],
    )


def message_preview(registration, *, stop, subject, body):
    """The e-mail ``registration`` would get from an organisers' message, as it would leave.

    Shown to organisers before they send: the real templates, greeting and footer included,
    with the person's management link masked (it would let its reader act for them).
    """
    from .models import Message

    masked = gettext_lazy("[their own link to manage their registration]")
    return templated_email(
        "registrations/emails/message",
        registration_context(
            registration, message=Message(stop=stop, subject=subject, body=body), manage_url=masked
        ),
        to=[registration.email],
    )


def attendance_url(registration, answer):
    from .tokens import make_attendance_token

    token = make_attendance_token(registration, answer)
    return settings.SITE_URL + reverse("registrations:attendance", args=[token])


def send_attendance_reminder(registration, days):
    """ "Confirm or free your place", ``days`` before the day (once per person and reminder)."""
    return queue_email(
        kind="reminder",
        to=registration.email,
        renderer="registrations.emails.render_reminder",
        params={"registration": registration.pk, "days": days},
        key=f"registration:{registration.pk}:reminder:{days}",
        stop=registration.stop,
    )


def send_practical_reminder(registration):
    """The day before: time, address, access, calendar (once per person)."""
    return queue_email(
        kind="practical",
        to=registration.email,
        renderer="registrations.emails.render_practical",
        params={"registration": registration.pk},
        key=f"registration:{registration.pk}:practical",
        stop=registration.stop,
    )


def render_reminder(delivery):
    from .tokens import CONFIRM, FREE

    registration = _registration(delivery.params["registration"])
    if not registration.holds_in_person_place:
        raise NothingToSend("No in-person place any more.")
    _not_after_the_day(registration)
    context = registration_context(
        registration,
        confirm_url=attendance_url(registration, CONFIRM),
        free_url=attendance_url(registration, FREE),
        days=delivery.params["days"],
    )
    return templated_email("registrations/emails/reminder", context, to=[delivery.recipient])


def render_practical(delivery):
    registration = _registration(delivery.params["registration"])
    if registration.status != registration.Status.CONFIRMED:
        raise NothingToSend("Not confirmed any more.")
    _not_after_the_day(registration)
    return templated_email(
        "registrations/emails/practical",
        registration_context(registration),
        to=[delivery.recipient],
        attachments=[calendar_attachment(registration)],
    )


def send_certificate(registration):
    """The attendance certificate, as a PDF attachment, after the day (once per person)."""
    return _queue("certificate", registration, once=True, renderer=CERTIFICATE_RENDERER)


CERTIFICATE_RENDERER = "registrations.emails.render_certificate"


def render_certificate(delivery):
    from . import certificates

    registration = _registration(delivery.params["registration"])
    try:
        certificates.check_issuable(registration)
    except certificates.CertificateRefused as refused:
        raise NothingToSend(str(refused.message)) from None
    return templated_email(
        "registrations/emails/certificate",
        registration_context(
            registration, verification_url=certificates.verification_url(registration)
        ),
        to=[delivery.recipient],
        attachments=[
            (
                certificates.filename(registration),
                certificates.render_pdf(registration),
                "application/pdf",
            )
        ],
    )
