"""Retention: what the privacy notice promises is deleted when it says."""

import datetime

from django.contrib.sessions.models import Session as BrowserSession
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from background.models import EmailDelivery
from events.models import Session, Stop

from .. import traces
from ..models import AttendeeSignIn, CertificateArchive, Registration, WorkshopBooking

RETENTION_DAYS = 365  # the privacy page promises twelve months after the day


@transaction.atomic
def purge_old_registrations(*, today=None):
    """Delete registrations of days that ended more than twelve months ago; returns the count.

    The days are over: no seat is freed and nobody waits any more.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=RETENTION_DAYS)
    old = Registration.objects.filter(stop__date__lt=cutoff)
    traces.forget(old)  # their admin history lines go too
    EmailDelivery.objects.filter(stop__date__lt=cutoff).delete()  # they hold addresses too
    # E-mails tied to no day (sign-in links, invitations) keep an address no longer either.
    EmailDelivery.objects.filter(stop__isnull=True, created_at__date__lt=cutoff).delete()
    WorkshopBooking.objects.filter(registration__in=old).delete()
    count, _deleted = old.delete()
    # Their seats go with them: the counters say what the rows say (no drift to report).
    Stop.objects.filter(date__lt=cutoff).exclude(seats_taken=0).update(seats_taken=0)
    Session.objects.filter(stop__date__lt=cutoff).exclude(seats_taken=0).update(seats_taken=0)
    # "Mon parcours" sign-in rows of addresses that no registration uses any more.
    in_use = Registration.objects.exclude(email="").annotate(address=Lower("email"))
    AttendeeSignIn.objects.exclude(email__in=in_use.values("address")).delete()
    # The organisers' certificate ZIPs, kept a week (they name the attendees), and those of
    # the days purged now, whatever their age.
    CertificateArchive.objects.filter(
        Q(created_at__lt=timezone.now() - datetime.timedelta(days=CertificateArchive.ARCHIVE_DAYS))
        | Q(stop__date__lt=cutoff)
    ).delete()
    # Expired sessions (organisers, "Mon parcours" sign-ins), as `clearsessions` does.
    BrowserSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return count
