"""Registering, and the changes a registrant (or an organiser for them) makes afterwards."""

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intercotour import rows

from .. import emails
from ..models import DETAIL_FIELDS, Registration
from . import seats
from .errors import EmailTaken, InvalidWorkshopChoice, RegistrationCancelled, StopFull

Mode = Registration.Mode
Status = Registration.Status
CHANGES_CLOSED = _("Registration is closed: changes are no longer possible.")


LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED = "55P03", "40P01"  # PostgreSQL's SQLSTATEs


class _AddressChanged(Exception):
    """The address's registration changed between two statements: the attempt starts again."""


REGISTER_ATTEMPTS = 3


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
    by_organiser=False,
    now=None,
):
    """Register ``email`` to ``stop``; returns ``(registration, created)``.

    Registering again with the same e-mail (any case) creates nothing: the existing
    registration's holder is sent their management link, and ``created`` is False.
    ``by_organiser``: a registration taken by phone, accepted until the day is over.
    Each attempt is one transaction (a savepoint inside the caller's): one that finds the
    address's registration cancelled meanwhile starts again (at most ``REGISTER_ATTEMPTS``).
    The caller must not hold the stop's lock: the registration's row is written before it.
    """
    now = now or timezone.now()
    # Lunch is served on site: never counted, nor exported, for someone online.
    lunch = lunch and mode == Mode.IN_PERSON
    fields = {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "organisation": organisation,
        "job_title": job_title,
        "category": category,
        "phone": phone,
        "mode": mode,
        "lunch": lunch,
        "dietary_requirements": dietary_requirements if lunch else "",
        "reduced_mobility": reduced_mobility,
        "hearing_loop": hearing_loop,
        "access_needs": access_needs,
        "wants_news": wants_news,
    }
    for _attempt in range(REGISTER_ATTEMPTS):
        try:
            return _register_once(stop, fields, workshops, accept_waiting_list, by_organiser, now)
        except _AddressChanged:
            continue
        except OperationalError as error:
            # PostgreSQL's deadlock detector chose this attempt (an organiser gave its address
            # to someone else at that instant, ``ADDRESS_WAIT``): it starts again.
            if _sqlstate(error) != DEADLOCK_DETECTED:
                raise
    raise IntegrityError(
        f"No registration written in {REGISTER_ATTEMPTS} attempts: a unique key other than "
        "the address's clashes every time."
    )


def _sqlstate(error):
    return getattr(error.__cause__, "sqlstate", None)


@transaction.atomic
def _register_once(stop, fields, workshops, accept_waiting_list, by_organiser, now):
    registration = Registration(stop=stop, status=Status.CONFIRMED, **fields)
    # The row and its e-mail first, the stop's lock last: that lock is held until the commit,
    # and every registration of the stop waits for it. The INSERT is also the same-address
    # check: it writes nothing where the address is registered (the one-per-stop unique
    # index), and waits for the commit of a registration of that address under way.
    if rows.insert_unless_taken(registration):
        emails.send_registration_received(registration)
        _take_places(registration, workshops, accept_waiting_list, by_organiser, now)
        return registration, True
    locked = seats.lock_stop(stop, only=seats.SEAT_FIELDS)
    seats.check_open(locked, now, by_organiser=by_organiser)
    # Under the stop's lock, which a cancellation takes: the registration found stays active
    # until the commit.
    existing = _registered(stop, fields["email"])
    if existing is None:  # cancelled since the INSERT (or a clash of management keys)
        raise _AddressChanged
    if by_organiser:
        raise EmailTaken()
    existing = Registration.objects.get(pk=existing)
    emails.send_existing_registration(existing)
    return existing, False


def _take_places(registration, workshops, accept_waiting_list, by_organiser, now):
    """The new registration's place at the stop and in its workshops, under the stop's lock.

    Checks that registration is open there, then the workshops chosen (a refusal rolls the
    registration back).
    """
    refused = None
    try:  # before the lock (a query for two workshops or more); refused after the window
        workshops = seats.check_workshops(registration.stop, registration.mode, workshops)
    except InvalidWorkshopChoice as error:
        refused = error
    # In person with a place free: the lock and the place in one statement. Otherwise (online,
    # the day full, the stop gone) the lock, then the decision.
    placed = registration.mode == Mode.IN_PERSON and seats.take_free_place(registration.stop)
    locked = placed or seats.lock_stop(registration.stop, only=seats.SEAT_FIELDS)
    seats.check_open(locked, now, by_organiser=by_organiser)  # closed: all rolled back
    if refused is not None:
        raise refused
    if not placed and registration.mode == Mode.IN_PERSON:
        if locked.seats_taken >= locked.capacity:
            if not accept_waiting_list:
                raise StopFull()
            registration.status, registration.waiting_since = Status.WAITING, now
            Registration.objects.filter(pk=registration.pk).update(
                status=registration.status, waiting_since=now
            )
        else:  # freed since the first statement
            seats.take_stop_place(locked)
    seats.book_workshops(registration, workshops, accept_waiting_list=accept_waiting_list, now=now)
    seats.seats_changed(locked)


def _registered(stop, email):
    """The id of the active registration of ``email`` (any case) to ``stop``, or None.

    As the one-per-stop unique index is (``lower(email)`` of active, non-blank
    registrations), and unsorted (at most one): PostgreSQL answers from that index.
    """
    found = Registration.objects.active_with_email(email).filter(stop=stop).order_by()
    return next(iter(found.values_list("pk", flat=True)[:1]), None)


def _editable(registration, now, by_organiser):
    if registration.status == Status.CANCELLED:
        raise RegistrationCancelled()
    seats.check_open(registration.stop, now, by_organiser=by_organiser, message=CHANGES_CLOSED)


@transaction.atomic
def change_workshops(
    *, registration, workshops, accept_waiting_list=False, by_organiser=False, now=None
):
    """Replace the registration's workshop choices; freed seats go to those waiting."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    stop = registration.stop
    _editable(registration, now, by_organiser)
    workshops = seats.check_workshops(stop, registration.mode, workshops)
    chosen = {workshop.pk for workshop in workshops}
    current = {booking.session_id: booking for booking in registration.bookings.all()}
    if chosen == set(current):
        return registration
    seats.drop_bookings([booking for pk, booking in current.items() if pk not in chosen])
    seats.book_workshops(
        registration,
        [workshop for workshop in workshops if workshop.pk not in current],
        accept_waiting_list=accept_waiting_list,
        now=now,
    )
    emails.send_registration_changed(registration)
    seats.settle(stop, now)
    return registration


@transaction.atomic
def switch_mode(*, registration, mode, accept_waiting_list=False, by_organiser=False, now=None):
    """Move between in-person and online attendance."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    stop = registration.stop
    _editable(registration, now, by_organiser)
    if mode == registration.mode:
        return registration
    if mode == Mode.ONLINE:
        seats.release(registration, stop)
        registration.status, registration.waiting_since = Status.CONFIRMED, None
        # No lunch on site any more: the caterer's count and the export leave it out.
        registration.lunch, registration.dietary_requirements = False, ""
    elif stop.seats_taken < stop.capacity:
        registration.status = Status.CONFIRMED
        seats.take_stop_place(stop)
    elif accept_waiting_list:
        registration.status, registration.waiting_since = Status.WAITING, now
    else:
        raise StopFull()
    registration.mode = mode
    registration.save(
        update_fields=[
            "mode",
            "status",
            "waiting_since",
            "lunch",
            "dietary_requirements",
            "updated_at",
        ]
    )
    emails.send_registration_changed(registration)
    seats.settle(stop, now)
    return registration


@transaction.atomic
def update_details(*, registration, **details):
    """Change the registrant's details (not the e-mail, which identifies them)."""
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    # The stop's lock first, as every service: an organiser's form runs this and the other
    # changes in one transaction.
    registration = seats.lock_for_change(registration)
    if registration.status == Status.CANCELLED:
        raise RegistrationCancelled()
    changed = [name for name, value in details.items() if getattr(registration, name) != value]
    for name, value in details.items():
        setattr(registration, name, value)
    if registration.lunch and registration.mode == Mode.ONLINE:
        registration.lunch = False  # served on site only
        changed.append("lunch")
    if not registration.lunch and registration.dietary_requirements:
        registration.dietary_requirements = ""
        changed.append("dietary_requirements")
    registration.full_clean(exclude=["stop"])
    if changed:
        registration.save(update_fields=[*set(changed), "updated_at"])
    return registration


# How long a change of address waits for a registration of the same address under way. Any
# such wait is futile: that registration needs the stop's lock, which the change holds, to
# finish. So the change gives up at once, well before PostgreSQL's deadlock_timeout (1 s).
ADDRESS_WAIT = "10ms"


def _write_address(registration):
    """Save the registration's new address; EmailTaken when another registration holds it.

    ``register`` writes a new address before it takes the stop's lock, which this change
    holds: were that registration's address the same, each would wait for the other. The
    UPDATE waits for it at most ``ADDRESS_WAIT`` (PostgreSQL's ``lock_timeout``, in a
    savepoint, then set back), then refuses, as it refuses an address already registered.
    """
    postgresql = connection.vendor == "postgresql"
    try:
        with transaction.atomic():
            if postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT current_setting('lock_timeout')")
                    previous = cursor.fetchone()[0]
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [ADDRESS_WAIT])
            registration.save(update_fields=["email", "updated_at"])
            if postgresql:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except IntegrityError:  # registered at the same instant, committed since
        raise EmailTaken() from None
    except OperationalError as error:
        if _sqlstate(error) not in (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED):
            raise
        raise EmailTaken() from None


@transaction.atomic
def change_email(*, registration, email, now=None):
    """An organiser corrects the e-mail address; the new address gets the management link."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    _editable(registration, now, by_organiser=True)
    if email.lower() == registration.email.lower():
        return registration
    taken = (
        Registration.objects.active_with_email(email)
        .filter(stop_id=registration.stop_id)
        .exclude(pk=registration.pk)
    )
    if taken.exists():
        raise EmailTaken()
    registration.email = email
    registration.full_clean(exclude=["stop"])
    _write_address(registration)
    emails.send_fresh_link(registration)
    return registration
