"""Signed management links: ``/inscription/<token>/``.

The token is a Django signature of the registration's id and a random key, both meaningless
outside this site: no e-mail or name ever appears in a URL. A genuine token changes a
registration until the end of the stop's day; after the day it still opens the registration
to read it and download the attendance certificate, for a year (``READ_AFTER_THE_DAY``),
never to change it. A forged or tampered token never works.
"""

import datetime

from django.core import signing
from django.utils import timezone

from .models import Registration

SALT = "registrations.manage"
READ_AFTER_THE_DAY = datetime.timedelta(days=365)


class InvalidToken(Exception):
    """Forged, tampered with, or pointing at nothing."""


class ExpiredToken(Exception):
    """Genuine, but the stop is over (or, to read, over for more than a year)."""

    def __init__(self, registration):
        self.registration = registration
        super().__init__("expired")


def make_token(registration):
    return signing.dumps([registration.pk, registration.management_key], salt=SALT)


def end_of_day(stop):
    """When the stop's day ends, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(stop.date, stop.end_time))


def day_is_over(stop, now=None):
    return (now or timezone.now()) > end_of_day(stop)


def registration_from_token(token, *, now=None, to_read=False):
    """The registration a token opens; raises InvalidToken or ExpiredToken.

    ``to_read``: the page, the calendar, the certificate; the link then works for a year
    after the day. Without it (every change), it stops at the end of the day.
    """
    try:
        pk, key = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken from exc
    registration = (
        Registration.objects.select_related("stop", "stop__tour").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if registration is None or not isinstance(key, str) or registration.management_key != key:
        raise InvalidToken
    now = now or timezone.now()
    expires_at = end_of_day(registration.stop) + (
        READ_AFTER_THE_DAY if to_read else datetime.timedelta()
    )
    if now > expires_at:
        raise ExpiredToken(registration)
    return registration


ATTENDANCE_SALT = "registrations.attendance"
CONFIRM, FREE = "confirm", "free"


def make_attendance_token(registration, answer):
    """A one-click answer to a reminder: "confirm" or "free" this registration's place."""
    return signing.dumps(
        [registration.pk, registration.management_key, answer], salt=ATTENDANCE_SALT
    )


def attendance_from_token(token):
    """``(registration, answer)``; raises InvalidToken. The services judge the timing."""
    try:
        pk, key, answer = signing.loads(token, salt=ATTENDANCE_SALT)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidToken from exc
    if not isinstance(pk, int) or answer not in {CONFIRM, FREE}:
        raise InvalidToken
    registration = Registration.objects.select_related("stop", "stop__tour").filter(pk=pk).first()
    if registration is None or registration.management_key != key:
        raise InvalidToken
    return registration, answer
