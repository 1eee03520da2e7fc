"""Cancelling, deleting and promoting: the ways a place is freed or given."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import emails
from ..models import Registration
from . import seats
from .errors import NoFreePlace, RegistrationError

Status = Registration.Status


@transaction.atomic
def cancel_registration(*, registration, notify=True, now=None):
    """Cancel; the place and workshop seats go to the first people waiting."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    stop = registration.stop
    if registration.status == Status.CANCELLED:
        return registration
    seats.release(registration, stop)
    registration.status = Status.CANCELLED
    registration.waiting_since = None
    registration.cancelled_at = now
    registration.save(update_fields=["status", "waiting_since", "cancelled_at", "updated_at"])
    if notify:
        emails.send_cancellation(registration)
    seats.settle(stop, now)
    return registration


@transaction.atomic
def delete_registration(*, registration, now=None):
    """Delete a registration (a duplicate, a test): its seats are freed first, then promoted.

    Nobody is e-mailed: the person may hold another registration.
    """
    registration = cancel_registration(registration=registration, notify=False, now=now)
    registration.delete()


ANONYMISED = "—"


@transaction.atomic
def erase_registration(*, registration, now=None):
    """An erasure request: cancel (seats freed, waiting list promoted), then anonymise.

    The row stays, without anything that identifies the person or their health, so that the
    day's figures hold; the admin history stops naming them.
    """
    registration = cancel_registration(registration=registration, notify=False, now=now)
    Registration.objects.filter(pk=registration.pk).update(
        first_name=ANONYMISED,
        last_name=ANONYMISED,
        email="",
        phone="",
        organisation="",
        job_title="",
        dietary_requirements="",
        reduced_mobility=False,
        hearing_loop=False,
        access_needs="",
        wants_news=False,
        updated_at=timezone.now(),
    )
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
    ).update(object_repr=ANONYMISED)
    registration.refresh_from_db()
    return registration


@transaction.atomic
def promote_waiting_lists(*, stop, now=None):
    """After an organiser raised a capacity: give the new places to those waiting."""
    stop = seats.lock_stop(stop)
    return seats.settle(stop, now or timezone.now())


@transaction.atomic
def promote_registration(*, registration, now=None):
    """An organiser gives a free in-person place to this person, ahead of the queue."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    stop = registration.stop
    if registration.status != Status.WAITING:
        raise RegistrationError(_("Only someone on the waiting list can be promoted."))
    if stop.seats_taken >= stop.capacity:
        raise NoFreePlace()
    registration.status, registration.waiting_since = Status.CONFIRMED, None
    registration.save(update_fields=["status", "waiting_since", "updated_at"])
    seats.take_stop_place(stop)
    emails.send_promotion(registration)
    seats.settle(stop, now)  # their waiting workshop choices may now be seated
    return registration


def resend_confirmation(*, registration):
    """Send the registration summary with its management link again."""
    emails.send_fresh_link(registration)
