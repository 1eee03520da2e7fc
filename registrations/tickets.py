"""QR code tickets: a signed reference to a registration, read at the check-in desk.

The code holds only Django's signature over the registration's id (its own salt, so a
management link's token is no ticket and the other way round): no name, no e-mail. It is drawn
by segno, as SVG in the management page and as a PNG attached to the confirmation e-mail.
"""

import io

import segno
from django.core import signing

SALT = "registrations.ticket"


class InvalidTicket(Exception):
    """Forged, tampered with, or for another day."""


def ticket_payload(registration):
    return signing.dumps(registration.pk, salt=SALT, compress=True)


def registration_from_ticket(payload, *, stop):
    """The registration of ``stop`` that ``payload`` names; raises InvalidTicket."""
    from .models import Registration

    try:
        pk = signing.loads(str(payload).strip()[:200], salt=SALT)
    except signing.BadSignature as exc:
        raise InvalidTicket from exc
    registration = (
        Registration.objects.filter(pk=pk, stop=stop).first() if isinstance(pk, int) else None
    )
    if registration is None:
        raise InvalidTicket
    return registration


def ticket_svg(registration, *, title=""):
    return segno.make(ticket_payload(registration), error="m").svg_inline(
        scale=5, border=2, title=title or None
    )


def ticket_png(registration):
    output = io.BytesIO()
    segno.make(ticket_payload(registration), error="m").save(output, kind="png", scale=6, border=3)
    return output.getvalue()
