"""Attendance certificates: by e-mail the day after, each person once; and in one ZIP for
the organisers, built by a task."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django_tasks import task

from .. import certificates, emails
from ..models import CertificateArchive, Registration
from ..tokens import day_is_over
from . import seats
from .errors import CertificatesUnavailable

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


Archive = CertificateArchive.Status


@transaction.atomic
def request_certificate_archive(*, stop, requested_by="", now=None):
    """Have the stop's certificates gathered in one ZIP by a task; returns ``(archive, created)``.

    Rendering a certificate takes a fraction of a second, a whole day's take minutes: never in
    a request. While one archive of the stop is being prepared, asking again returns it, unless
    it stalled (``CertificateArchive.stalled``): that one is marked failed and a new one made.
    Raises CertificatesUnavailable before the day is over, or when nobody was checked in.
    """
    if not day_is_over(stop, now):
        raise CertificatesUnavailable(
            _("Attendance certificates are issued once the day is over, after %(time)s.")
            % {"time": time_format(stop.end_time)}
        )
    if not certificates.stop_certificates(stop).exists():
        raise CertificatesUnavailable(
            _("Nobody was checked in at this stop: there is no certificate to download.")
        )
    seats.lock_stop(stop)  # two requests at once: the second sees the first one's archive
    preparing = CertificateArchive.objects.filter(stop=stop, status=Archive.PREPARING).first()
    if preparing is not None and not preparing.stalled:
        return preparing, False
    if preparing is not None:  # its worker died: given up, and prepared again
        CertificateArchive.objects.filter(pk=preparing.pk).update(
            status=Archive.FAILED, finished_at=timezone.now()
        )
    archive = CertificateArchive.objects.create(stop=stop, requested_by=requested_by)
    build_certificate_archive.enqueue(archive.pk)
    return archive, True


@task()
def build_certificate_archive(archive_id):
    """Render the certificates into the archive; the count. Run twice, it builds once.

    An archive deleted meanwhile (an erasure, the purge) stays deleted: what was built is
    dropped. A failure marks the archive failed (the organisers may ask again) and is raised,
    for the task's record.
    """
    archive = (
        CertificateArchive.objects.select_related("stop")
        .filter(pk=archive_id, status=Archive.PREPARING)
        .first()
    )
    if archive is None:
        return 0
    pending = CertificateArchive.objects.filter(pk=archive.pk, status=Archive.PREPARING)
    try:
        # A list, not a cursor left open if a PDF fails: a day has a few hundred attendees.
        content, count = certificates.zip_archive(
            list(certificates.stop_certificates(archive.stop))
        )
    except BaseException:  # a worker stopped mid-build (SystemExit) too
        pending.update(status=Archive.FAILED, finished_at=timezone.now())
        raise
    pending.update(
        status=Archive.READY, content=content, certificates=count, finished_at=timezone.now()
    )
    return count


def forget_certificate_archives(stop):
    """Delete the stop's archives: they name its attendees (an erasure, say)."""
    CertificateArchive.objects.filter(stop=stop).delete()
