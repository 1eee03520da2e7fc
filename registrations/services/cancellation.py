"""Cancelling, deleting and promoting: the ways a place is freed or given."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import emails, traces
from ..models import Registration, WorkshopBooking
from . import seats
from .certificates import forget_certificate_archives
from .errors import NoFreePlace, RegistrationCancelled, RegistrationError

Status = Registration.Status
HEALTH_FIELDS = ["access_needs", "dietary_requirements", "reduced_mobility", "hearing_loop"]


@transaction.atomic
def cancel_registration(*, registration, notify=True, now=None):
    """Cancel; the place and workshop seats go to the first people waiting."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    stop = registration.stop
    if registration.status == Status.CANCELLED:
        return registration
    held_place = registration.holds_in_person_place
    seats.release(registration, stop)
    registration.status = Status.CANCELLED
    registration.waiting_since = None
    registration.cancelled_at = now
    # Health data goes at once: nobody needs it for a cancelled registration.
    registration.access_needs = registration.dietary_requirements = ""
    registration.reduced_mobility = registration.hearing_loop = False
    registration.save(
        update_fields=["status", "waiting_since", "cancelled_at", *HEALTH_FIELDS, "updated_at"]
    )
    if notify:
        emails.send_cancellation(registration, held_place=held_place)
    seats.settle(stop, now)
    return registration


@transaction.atomic
def delete_registration(*, registration, now=None):
    """Delete a registration (a duplicate, a test): its seats are freed first, then promoted.

    Nobody is e-mailed: the person may hold another registration.
    """
    registration = cancel_registration(registration=registration, notify=False, now=now)
    forget_certificate_archives(registration.stop)  # the organisers' ZIPs name the person
    registration.delete()


# What replaces the identifying fields (and health data) of an erased registration.
ANONYMOUS = {
    "first_name": "—",
    "last_name": "Anonyme",
    "email": "",
    "phone": "",
    "organisation": "",
    "job_title": "",
    "dietary_requirements": "",
    "access_needs": "",
    "reduced_mobility": False,
    "hearing_loop": False,
    "wants_news": False,
}


@transaction.atomic
def erase_registration(*, registration, now=None):
    """An erasure request: cancel (seats freed, waiting list promoted), then anonymise.

    The row stays, without anything that identifies the person or their health, so that the
    day's figures (how many registered, in which category) still add up; what the person left
    elsewhere (admin history, sessions, e-mail log) is wiped (``traces``). From the person's
    own link and from the admin alike.
    """
    registration = cancel_registration(registration=registration, notify=False, now=now)
    traces.forget(Registration.objects.filter(pk=registration.pk))
    forget_certificate_archives(registration.stop)  # the organisers' ZIPs name the person
    Registration.objects.filter(pk=registration.pk).update(**ANONYMOUS, updated_at=timezone.now())
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
    seats.check_open(stop, now, by_organiser=True)  # until the day is over, as the desk
    if registration.status != Status.WAITING:
        if registration.bookings.filter(status=WorkshopBooking.Status.WAITING).exists():
            raise RegistrationError(
                _(
                    "Their place for the day is confirmed; they wait for a full workshop. Raise "
                    "the workshop's seats: the first people waiting get them at once."
                )
            )
        raise RegistrationError(_("Only someone on the waiting list can be promoted."))
    if stop.seats_taken >= stop.capacity:
        raise NoFreePlace()
    registration.status, registration.waiting_since = Status.CONFIRMED, None
    registration.save(update_fields=["status", "waiting_since", "updated_at"])
    seats.take_stop_place(stop)
    emails.send_promotion(registration)
    seats.settle(stop, now)  # their waiting workshop choices may now be seated
    return registration


@transaction.atomic
def resend_confirmation(*, registration):
    """Send the confirmation again, as it stands: status, summary, management link and, for
    a confirmed place, the calendar and the ticket. Not for a cancelled registration (and
    if it is cancelled before the e-mail leaves, the e-mail is not sent)."""
    registration = seats.lock_for_change(registration)
    if registration.status == Status.CANCELLED:
        raise RegistrationCancelled()
    if registration.stop.is_over():
        raise RegistrationError(_("The day is over: there is no confirmation to send again."))
    emails.send_registration_received(registration)
