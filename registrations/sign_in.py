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

from intercotour.mail import deliver, templated_email

from .models import AttendeeSignIn, Registration, new_management_key

SALT = "registrations.attendee-sign-in"
LINK_MAX_AGE = 15 * 60  # seconds


class InvalidLink(Exception):
    """Forged, tampered with, or already used."""


class ExpiredLink(Exception):
    """Genuine but too old."""


def make_token(sign_in):
    return signing.dumps([sign_in.pk, sign_in.sign_in_nonce], salt=SALT)


@transaction.atomic
def send_sign_in_link(*, email):
    """E-mail a sign-in link if ``email`` has registrations; says nothing either way."""
    email = email.strip().lower()
    if not Registration.objects.filter(email__iexact=email).exists():
        return
    sign_in, _created = AttendeeSignIn.objects.get_or_create(email=email)
    sign_in_id = sign_in.pk
    transaction.on_commit(lambda: deliver_sign_in_link(sign_in_id))


def deliver_sign_in_link(sign_in_id):
    """The e-mail with the one-time link to "Mon parcours" (the link is made when it leaves)."""
    sign_in = AttendeeSignIn.objects.get(pk=sign_in_id)
    url = reverse("registrations:tour_sign_in", args=[make_token(sign_in)])
    context = {"url": settings.SITE_URL + url, "minutes": LINK_MAX_AGE // 60}
    deliver(templated_email("registrations/emails/sign_in", context, to=[sign_in.email]))


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
