"""Sign-in to "Mon parcours" by an e-mailed, one-time, short-lived link.

Attendees have no account: an e-mail address gathers their registrations. The link carries a
Django signature (its own salt) of an ``AttendeeSignIn`` row's id and its nonce; using it
renews the nonce, so each link works once, for ``LINK_MAX_AGE``. The e-mail address never
appears in a URL.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django_tasks import task

from background.outbox import NothingToSend, queue_email
from intercotour.link_sign_in import ExpiredLink, InvalidLink
from intercotour.mail import templated_email

from .models import AttendeeSignIn, Registration, new_management_key

SALT = "registrations.attendee-sign-in"
LINK_MAX_AGE = 15 * 60  # seconds


def make_token(sign_in):
    return signing.dumps([sign_in.pk, sign_in.sign_in_nonce], salt=SALT)


def send_sign_in_link(*, email):
    """E-mail a sign-in link if ``email`` has registrations; says nothing either way.

    The request only enqueues the lookup, as for the speakers' link: a known and an unknown
    address cost the same, and the e-mail leaves through the outbox (retried, never twice).
    """
    send_sign_in_link_task.enqueue(email.strip().lower())


@task(takes_context=True)
def send_sign_in_link_task(context, email):
    """Look the address up; one with registrations gets a sign-in link through the outbox.

    One link per request: the key names this task, so that a run again (its worker died)
    sends no second e-mail.
    """
    if not Registration.objects.filter(email__iexact=email).exists():
        return False
    with transaction.atomic():
        sign_in, _created = AttendeeSignIn.objects.get_or_create(email=email)
        queue_email(
            kind="tour_sign_in",
            to=sign_in.email,
            renderer="registrations.sign_in.render_sign_in_link",
            params={"sign_in": sign_in.pk},
            key=f"tour_sign_in:{context.task_result.id}",
        )
    return True


def render_sign_in_link(delivery):
    """Signed when sent, so that a queue that waited does not eat the link's 15 minutes."""
    sign_in = AttendeeSignIn.objects.filter(pk=delivery.params["sign_in"]).first()
    if sign_in is None:
        raise NothingToSend("The address no longer has registrations.")
    url = reverse("registrations:tour_sign_in", args=[make_token(sign_in)])
    context = {"url": settings.SITE_URL + url, "minutes": LINK_MAX_AGE // 60}
    return templated_email("registrations/emails/sign_in", context, to=[delivery.recipient])


def check_token(token, *, lock=False):
    """The ``AttendeeSignIn`` a link would open, without using it up."""
    try:
        pk, nonce = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ExpiredLink from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidLink from exc
    rows = AttendeeSignIn.objects.select_for_update() if lock else AttendeeSignIn.objects
    sign_in = rows.filter(pk=pk).first() if isinstance(pk, int) else None
    if sign_in is None or not secrets.compare_digest(str(nonce), sign_in.sign_in_nonce):
        raise InvalidLink
    return sign_in


@transaction.atomic
def use_token(token):
    """The ``AttendeeSignIn`` a link opens; the link then stops working (one use)."""
    sign_in = check_token(token, lock=True)
    sign_in.sign_in_nonce = new_management_key()
    sign_in.save(update_fields=["sign_in_nonce", "updated_at"])
    return sign_in
