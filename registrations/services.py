"""Registration writes: the only code that takes or frees seats.

Every function here runs in one transaction that first locks the stop's row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises write transactions with
``BEGIN IMMEDIATE``), then the rows of the workshops concerned, always in that order so that
two transactions never wait on each other. Seats are counted in ``Stop.seats_taken`` and
``Session.seats_taken``, which database check constraints keep within capacity: a bug
elsewhere fails loudly instead of overselling.

A freed seat goes to the first person waiting (first come, first served) in the same
transaction. E-mails leave once the transaction has committed.
"""

import datetime
from itertools import combinations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Session, Stop
from events.page_cache import seats_changed

from . import emails, traces
from .models import DETAIL_FIELDS, Registration, WorkshopBooking

Mode = Registration.Mode
Status = Registration.Status
HEALTH_FIELDS = ["access_needs", "dietary_requirements", "reduced_mobility", "hearing_loop"]


class RegistrationError(Exception):
    """A registration request the rules refuse; ``field`` names the form field concerned."""

    default_message = _("This request cannot be accepted.")
    field = None

    def __init__(self, message=None, *, field=None):
        self.message = message or self.default_message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))


class RegistrationClosed(RegistrationError):
    default_message = _("Registration for this day is not open.")


class StopFull(RegistrationError):
    default_message = _(
        "All in-person places are taken. Tick the box to join the waiting list, or choose to "
        "follow the day online."
    )
    field = "accept_waiting_list"


class WorkshopFull(RegistrationError):
    field = "accept_waiting_list"

    def __init__(self, workshop):
        self.workshop = workshop
        super().__init__(
            _(
                "The workshop “%(title)s” is full. Tick the box to join its waiting list, "
                "or choose another one."
            )
            % {"title": workshop.title}
        )


class InvalidWorkshopChoice(RegistrationError):
    default_message = _("This workshop is not part of this day.")


class RegistrationCancelled(RegistrationError):
    default_message = _("This registration has been cancelled.")


def _for_update(queryset):
    """Row locks; a seam for the tests' negative control, which takes them away."""
    return queryset.select_for_update()


def _lock_stop(stop):
    return _for_update(Stop.objects).get(pk=stop.pk)


def _lock_registration(registration):
    return _for_update(Registration.objects).get(pk=registration.pk)


def _check_workshops(stop, mode, workshops):
    """The chosen workshops, checked against the stop's rules; raises InvalidWorkshopChoice."""
    workshops = list(workshops)
    for workshop in workshops:
        if workshop.stop_id != stop.pk or workshop.kind != Session.Kind.WORKSHOP:
            raise InvalidWorkshopChoice()
    if workshops and mode != Mode.IN_PERSON:
        raise InvalidWorkshopChoice(
            _("Workshops are held in person only: choose in-person attendance to take part.")
        )
    for first, second in combinations(workshops, 2):
        if first.pk == second.pk or first.overlaps(second):
            raise InvalidWorkshopChoice(_("Choose at most one workshop per time slot."))
    return workshops


def _take_stop_place(stop):
    Stop.objects.filter(pk=stop.pk).update(seats_taken=F("seats_taken") + 1)
    stop.seats_taken += 1


def _free_stop_place(stop):
    Stop.objects.filter(pk=stop.pk).update(seats_taken=F("seats_taken") - 1)
    stop.seats_taken -= 1


def _book_workshops(registration, workshops, *, accept_waiting_list, now):
    """Seat the registration in each workshop, or put it on the workshop's waiting list."""
    sessions = _for_update(Session.objects.filter(pk__in=[w.pk for w in workshops]).order_by("pk"))
    for session in sessions:
        if registration.holds_in_person_place and session.seats_taken < session.capacity:
            WorkshopBooking.objects.create(
                registration=registration, session=session, status=WorkshopBooking.Status.CONFIRMED
            )
            Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
        elif registration.status == Status.WAITING or accept_waiting_list:
            WorkshopBooking.objects.create(
                registration=registration,
                session=session,
                status=WorkshopBooking.Status.WAITING,
                waiting_since=now,
            )
        else:
            raise WorkshopFull(session)


def _drop_bookings(bookings):
    """Delete bookings, freeing their seats; returns the ids of the workshops concerned."""
    session_ids = []
    for booking in bookings:
        if booking.status == WorkshopBooking.Status.CONFIRMED:
            Session.objects.filter(pk=booking.session_id).update(seats_taken=F("seats_taken") - 1)
        session_ids.append(booking.session_id)
        booking.delete()
    return session_ids


def _fill(stop, now):
    """Give every free place of the (locked) stop and its workshops to those waiting.

    Returns the registrations that got a place or a workshop seat.
    """
    promoted = {}
    free = stop.capacity - stop.seats_taken
    if free > 0:
        waiting = _for_update(Registration.objects.filter(stop=stop).waiting_in_line())[:free]
        for registration in waiting:
            registration.status = Status.CONFIRMED
            registration.waiting_since = None
            registration.save(update_fields=["status", "waiting_since", "updated_at"])
            _take_stop_place(stop)
            promoted[registration.pk] = registration
    workshops = _for_update(Session.objects.filter(stop=stop).workshops().order_by("pk"))
    for session in workshops:
        free = session.capacity - session.seats_taken
        if free <= 0:
            continue
        for booking in session.bookings.waiting_in_line().select_related("registration")[:free]:
            booking.status = WorkshopBooking.Status.CONFIRMED
            booking.waiting_since = None
            booking.save(update_fields=["status", "waiting_since", "updated_at"])
            Session.objects.filter(pk=session.pk).update(seats_taken=F("seats_taken") + 1)
            promoted.setdefault(booking.registration_id, booking.registration)
    for registration in promoted.values():
        emails.send_promotion(registration)
    return list(promoted.values())


def _settle(stop, now):
    """After seats were freed or added: seat those waiting, and refresh the cached pages."""
    promoted = _fill(stop, now)
    seats_changed(stop)
    return promoted


@transaction.atomic
def register(
    *,
    stop,
    first_name,
    last_name,
    email,
    organisation,
    job_title,
    category,
    mode,
    workshops=(),
    accept_waiting_list=False,
    phone="",
    lunch=False,
    dietary_requirements="",
    reduced_mobility=False,
    hearing_loop=False,
    access_needs="",
    wants_news=False,
    now=None,
):
    """Register ``email`` to ``stop``; returns ``(registration, created)``.

    Registering again with the same e-mail (any case) creates nothing: the existing
    registration's holder is sent their management link, and ``created`` is False.
    """
    now = now or timezone.now()
    stop = _lock_stop(stop)
    if stop.registration_window(now) != "open":
        raise RegistrationClosed()
    existing = Registration.objects.active().filter(stop=stop, email__iexact=email).first()
    if existing is not None:
        emails.send_existing_registration(existing)
        return existing, False
    workshops = _check_workshops(stop, mode, workshops)

    status, waiting_since = Status.CONFIRMED, None
    if mode == Mode.IN_PERSON and stop.seats_taken >= stop.capacity:
        if not accept_waiting_list:
            raise StopFull()
        status, waiting_since = Status.WAITING, now
    registration = Registration.objects.create(
        stop=stop,
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        job_title=job_title,
        category=category,
        phone=phone,
        mode=mode,
        status=status,
        waiting_since=waiting_since,
        lunch=lunch,
        dietary_requirements=dietary_requirements if lunch else "",
        reduced_mobility=reduced_mobility,
        hearing_loop=hearing_loop,
        access_needs=access_needs,
        wants_news=wants_news,
    )
    if registration.holds_in_person_place:
        _take_stop_place(stop)
    _book_workshops(registration, workshops, accept_waiting_list=accept_waiting_list, now=now)
    emails.send_registration_received(registration)
    seats_changed(stop)
    return registration, True


def _editable(registration, now):
    if registration.status == Status.CANCELLED:
        raise RegistrationCancelled()
    if registration.stop.registration_window(now) != "open":
        raise RegistrationClosed(_("Registration is closed: changes are no longer possible."))


@transaction.atomic
def change_workshops(*, registration, workshops, accept_waiting_list=False, now=None):
    """Replace the registration's workshop choices; freed seats go to those waiting."""
    now = now or timezone.now()
    stop = _lock_stop(registration.stop)
    registration = _lock_registration(registration)
    registration.stop = stop
    _editable(registration, now)
    workshops = _check_workshops(stop, registration.mode, workshops)
    chosen = {workshop.pk for workshop in workshops}
    current = {booking.session_id: booking for booking in registration.bookings.all()}
    _drop_bookings([booking for pk, booking in current.items() if pk not in chosen])
    _book_workshops(
        registration,
        [workshop for workshop in workshops if workshop.pk not in current],
        accept_waiting_list=accept_waiting_list,
        now=now,
    )
    emails.send_registration_changed(registration)
    _settle(stop, now)
    return registration


@transaction.atomic
def switch_mode(*, registration, mode, accept_waiting_list=False, now=None):
    """Move between in-person and online attendance."""
    now = now or timezone.now()
    stop = _lock_stop(registration.stop)
    registration = _lock_registration(registration)
    registration.stop = stop
    _editable(registration, now)
    if mode == registration.mode:
        return registration
    if mode == Mode.ONLINE:
        if registration.holds_in_person_place:
            _free_stop_place(stop)
        _drop_bookings(list(registration.bookings.all()))
        registration.status, registration.waiting_since = Status.CONFIRMED, None
    elif stop.seats_taken < stop.capacity:
        registration.status = Status.CONFIRMED
        _take_stop_place(stop)
    elif accept_waiting_list:
        registration.status, registration.waiting_since = Status.WAITING, now
    else:
        raise StopFull()
    registration.mode = mode
    registration.save(update_fields=["mode", "status", "waiting_since", "updated_at"])
    emails.send_registration_changed(registration)
    _settle(stop, now)
    return registration


@transaction.atomic
def update_details(*, registration, **details):
    """Change the registrant's details (not the e-mail, which identifies them)."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    registration = _lock_registration(registration)
    if registration.status == Status.CANCELLED:
        raise RegistrationCancelled()
    for name, value in details.items():
        setattr(registration, name, value)
    if not registration.lunch:
        registration.dietary_requirements = ""
    registration.full_clean(exclude=["stop"])
    registration.save()
    return registration


@transaction.atomic
def cancel_registration(*, registration, now=None):
    """Cancel; the place and workshop seats go to the first people waiting."""
    now = now or timezone.now()
    stop = _lock_stop(registration.stop)
    registration = _lock_registration(registration)
    if registration.status == Status.CANCELLED:
        return registration
    if registration.holds_in_person_place:
        _free_stop_place(stop)
    _drop_bookings(list(registration.bookings.all()))
    registration.status = Status.CANCELLED
    registration.waiting_since = None
    registration.cancelled_at = now
    # Health data goes at once: nobody needs it for a cancelled registration.
    registration.access_needs = registration.dietary_requirements = ""
    registration.reduced_mobility = registration.hearing_loop = False
    registration.save(
        update_fields=["status", "waiting_since", "cancelled_at", *HEALTH_FIELDS, "updated_at"]
    )
    emails.send_cancellation(registration)
    _settle(stop, now)
    return registration


@transaction.atomic
def promote_waiting_lists(*, stop, now=None):
    """After an organiser raised a capacity: give the new places to those waiting."""
    stop = _lock_stop(stop)
    return _settle(stop, now or timezone.now())


class NoFreePlace(RegistrationError):
    default_message = _("No in-person place is free: raise the capacity first.")


class AlreadyCheckedIn(RegistrationError):
    default_message = _("Already checked in.")


@transaction.atomic
def promote_registration(*, registration, now=None):
    """An organiser gives a free in-person place to this person, ahead of the queue."""
    now = now or timezone.now()
    stop = _lock_stop(registration.stop)
    registration = _lock_registration(registration)
    if registration.status != Status.WAITING:
        raise RegistrationError(_("Only someone on the waiting list can be promoted."))
    if stop.seats_taken >= stop.capacity:
        raise NoFreePlace()
    registration.status, registration.waiting_since = Status.CONFIRMED, None
    registration.save(update_fields=["status", "waiting_since", "updated_at"])
    _take_stop_place(stop)
    emails.send_promotion(registration)
    _settle(stop, now)  # their waiting workshop choices may now be seated
    return registration


def resend_confirmation(*, registration):
    """Send the registration summary with its management link again."""
    emails.send_fresh_link(registration)


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
    stop = _lock_stop(stop)
    if email and Registration.objects.active().filter(stop=stop, email__iexact=email).exists():
        raise RegistrationError(
            _("This e-mail address is already registered: search for the person instead."),
            field="email",
        )
    if stop.seats_taken >= stop.capacity:
        raise NoFreePlace(_("The venue is full: no in-person place is left."))
    registration = Registration.objects.create(
        stop=stop,
        first_name=first_name,
        last_name=last_name,
        email=email,
        organisation=organisation,
        job_title=job_title,
        category=category,
        mode=Mode.IN_PERSON,
        status=Status.CONFIRMED,
        walk_in=True,
        checked_in_at=now,
    )
    _take_stop_place(stop)
    seats_changed(stop)
    return registration


def message_recipients(*, stop, workshop=None):
    """Confirmed registrants of the stop, or those with a confirmed seat in ``workshop``."""
    recipients = Registration.objects.filter(stop=stop, status=Status.CONFIRMED).exclude(email="")
    if workshop is not None:
        recipients = recipients.filter(
            bookings__session=workshop, bookings__status=WorkshopBooking.Status.CONFIRMED
        )
    return recipients.order_by("pk")


def message_registrants(*, stop, subject, body, workshop=None):
    """One e-mail per recipient (no addresses shown to others); returns (sent, failed)."""
    return emails.send_message_to(
        message_recipients(stop=stop, workshop=workshop), subject=subject, body=body
    )


RETENTION_DAYS = 365  # the privacy page promises twelve months after the day


@transaction.atomic
def purge_old_registrations(*, today=None):
    """Delete registrations of days that ended more than twelve months ago; returns the count."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=RETENTION_DAYS)
    old = Registration.objects.filter(stop__date__lt=cutoff)
    traces.forget(old)  # their admin history lines and sessions go too
    WorkshopBooking.objects.filter(registration__in=old).delete()
    count, _deleted = old.delete()
    return count
