"""Attendance certificates by e-mail, the day after, each person once."""

import datetime

from django.db import transaction
from django.utils import timezone

from .. import emails
from ..models import Registration

# A missed daily run catches up with the days of the past week, never older ones.
CATCH_UP_DAYS = 7


def send_due_certificates(today=None):
    """E-mail the certificates of the days over (up to a week back) not sent yet; the count.

    Idempotent: each registration is claimed (``certificate_sent_at``) in its own
    transaction, with its e-mail queued in the outbox under a key of its own, so a second run,
    even a simultaneous one, sends nothing twice; the outbox retries a mail server failure.
    """
    today = today or timezone.localdate()
    due = (
        Registration.objects.certifiable()
        .exclude(email="")
        .filter(
            certificate_sent_at__isnull=True,
            stop__date__lt=today,
            stop__date__gte=today - datetime.timedelta(days=CATCH_UP_DAYS),
        )
        .order_by("pk")
    )
    sent = 0
    for registration in due.only("pk").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, certificate_sent_at__isnull=True
            ).update(certificate_sent_at=timezone.now())
            if claimed:
                emails.send_certificate(registration)
                sent += claimed
    return sent
