"""The welcome desk on the day: check-in, and walk-ins who did not register."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intercotour import rows

from ..models import Registration
from . import seats
from .errors import AlreadyCheckedIn, NoFreePlace, RegistrationError

Status = Registration.Status


@transaction.atomic
def check_in(*, registration, now=None):
    """Mark arrival on the day; a second check-in is refused, never counted twice."""
    updated = Registration.objects.filter(
        pk=registration.pk, checked_in_at__isnull=True, status=Status.CONFIRMED
    ).update(checked_in_at=now or timezone.now(), updated_at=timezone.now())
    if not updated:
        registration.refresh_from_db()
        if registration.checked_in_at:
            raise AlreadyCheckedIn()
        raise RegistrationError(_("Only confirmed registrations can be checked in."))
    registration.refresh_from_db()
    return registration


@transaction.atomic
def undo_check_in(*, registration):
    Registration.objects.filter(pk=registration.pk).update(
        checked_in_at=None, updated_at=timezone.now()
    )
    registration.refresh_from_db()
    return registration


@transaction.atomic
def register_walk_in(
    *, stop, first_name, last_name, organisation, job_title="", category, email="", now=None
):
    """Someone who did not register arrives: they take an in-person place, checked in."""
    now = now or timezone.now()
    registration = Registration(
        stop=stop,
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        job_title=job_title,
        category=category,
        mode=Registration.Mode.IN_PERSON,
        status=Status.CONFIRMED,
        walk_in=True,
        checked_in_at=now,
    )
    # The row before the stop's lock, as ``register`` does: an address registered online at
    # the same instant is waited for, never locked against (rows.insert_unless_taken).
    if not rows.insert_unless_taken(registration):
        raise RegistrationError(
            _("This e-mail address is already registered: search for the person instead."),
            field="email",
        )
    stop = registration.stop = seats.lock_stop(stop)
    if stop.seats_taken >= stop.capacity:
        raise NoFreePlace(_("The venue is full: no in-person place is left."))
    seats.take_stop_place(stop)
    seats.seats_changed(stop)
    return registration
