"""Seat bookkeeping shared by the registration services: locks, counters, waiting lists.

Every service that changes seats locks the stop's row (``SELECT ... FOR NO KEY UPDATE`` on
PostgreSQL; SQLite serialises write transactions with ``BEGIN IMMEDIATE``), then the rows of the
workshops concerned, always in that order so that two transactions never wait on each other.
A new registration and a walk-in write their row before these locks and lock the stop last
(the lock is held until the commit, so it is held briefly): a second registration of the same
address waits for the first one's commit (the one-per-stop unique index) holding no lock. An
organiser's change of address keeps the stop-first order, and waits for a registration of its
new address under way at most ``registration.ADDRESS_WAIT``, then refuses. Seats are
counted in ``Stop.seats_taken`` and ``Session.seats_taken``, which database check constraints
keep within capacity; ``recount_seats`` rebuilds them from the rows, and
``manage.py check_seats`` reports any drift.
"""

import functools

from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import RegistrationState, Session, Stop, more_than_one_per_slot
from events.page_cache import seats_changed
from intercotour import rows

from .. import emails, selectors
from ..models import Registration, WorkshopBooking
from .errors import InvalidWorkshopChoice, RegistrationClosed, WorkshopFull

Mode = Registration.Mode
Status = Registration.Status


def _for_update(queryset, **options):
    """Row locks; a seam for the tests' negative control, which takes them away."""
    return queryset.select_for_update(**options)


def _lock_clause(*, no_key=False):
    """The row-lock clause of a written-out ``SELECT`` (none on SQLite, which locks the whole
    database for a write transaction); the same seam as ``_for_update``."""
    if not connection.features.has_select_for_update:
        return ""
    return connection.ops.for_update_sql(no_key=no_key)


def _locked_rows(model, names, where, params, *, no_key=False, order_by=None):
    """Instances of ``model`` with the fields ``names`` and the primary key (the others
    deferred), locked as ``select_for_update()`` does.

    ``.only(*names).select_for_update()...`` written out: the stop's and the workshops' locks
    open every registration's transaction, and the ORM took three times as long to build
    these statements as the database to answer them (``benchmarks/registration_burst.py``).
    The values pass through the same converters as the ORM's (SQLite's dates are text).
    """
    lock = _lock_clause(no_key=no_key)
    if lock and connection.get_autocommit():  # as the ORM: a lock ends with its statement
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    sql, reading = _statement(connection.vendor, model, tuple(names), where, lock, order_by)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_instance(model, reading, row) for row in rows]


def _instance(model, reading, row):
    """The instance of ``model`` a written-out statement's ``row`` holds (``_reading``)."""
    names, columns, converters = reading
    values = list(row)
    for index, (column, functions) in enumerate(zip(columns, converters, strict=True)):
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    return model.from_db(connection.alias, names, values)


def _reading(model, names):
    """The primary key's and ``names``' columns of ``model``, in the model's order (``from_db``
    fills in the deferred fields between them): ``(attnames, columns, converters)``, and the
    SQL list of those columns."""
    wanted = set(names)
    fields = [
        field for field in model._meta.concrete_fields if field.primary_key or field.name in wanted
    ]
    columns = [field.get_col(model._meta.db_table) for field in fields]
    converters = [
        connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        for column in columns
    ]
    listed = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    return ([field.attname for field in fields], columns, converters), listed


@functools.lru_cache(maxsize=64)
def _statement(vendor, model, names, where, lock, order_by):
    """``_locked_rows``'s statement and what reads its rows (``_reading``): the same for every
    call with these arguments (``vendor``: the key says which database they were made for)."""
    quote = connection.ops.quote_name
    reading, listed = _reading(model, names)
    sql = (
        f"SELECT {listed} FROM {quote(model._meta.db_table)} WHERE {where}"
        + (f" ORDER BY {quote(model._meta.get_field(order_by).column)}" if order_by else "")
        + f" {lock}"
    )
    return sql, reading


# What the seat bookkeeping reads of a locked stop (``lock_stop(stop, only=SEAT_FIELDS)``):
# its window, its places, its slug (the page counters).
SEAT_FIELDS = (
    "slug",
    "status",
    "date",
    "end_time",
    "capacity",
    "seats_taken",
    "registration_opens_at",
    "registration_closes_at",
)


def lock_stop(stop, *, only=None):
    """The stop's row, locked against every other service until the transaction ends.

    ``FOR NO KEY UPDATE``: as strong between the services as ``FOR UPDATE``, but it does not
    hold up the foreign key checks of other transactions' rows that point at the stop (an
    e-mail queued by a message to the stop's registrants, say), which take ``KEY SHARE``.
    ``only``: the fields to read (``SEAT_FIELDS`` on the registration's hot path).
    """
    if only is None:
        return _for_update(Stop.objects, no_key=True).get(pk=stop.pk)
    quote = connection.ops.quote_name
    rows = _locked_rows(Stop, only, f"{quote(Stop._meta.pk.column)} = %s", [stop.pk], no_key=True)
    if not rows:
        raise Stop.DoesNotExist("Stop matching query does not exist.")
    return rows[0]


def lock_registration(registration):
    return _for_update(Registration.objects).get(pk=registration.pk)


def lock_for_change(registration):
    """Lock the registration's stop, then the registration; returns the fresh registration."""
    stop = lock_stop(registration.stop)
    registration = lock_registration(registration)
    registration.stop = stop
    return registration


def date_is_past(stop, now):
    """The day's date is over: organisers no longer change its registrations, nobody waits."""
    return timezone.localdate(now) > stop.date


def check_open(stop, now, *, by_organiser=False, message=None):
    """Attendees act while registration is open; organisers until the day is over."""
    if by_organiser:
        if stop.is_public and not date_is_past(stop, now):
            return
        raise RegistrationClosed(_("This day is over: its registrations can no longer change."))
    if stop.registration_window(now) != RegistrationState.OPEN:
        raise RegistrationClosed(message)


def check_workshops(stop, mode, workshops):
    """The chosen workshops, checked against the stop's rules; raises InvalidWorkshopChoice."""
    workshops = list(workshops)
    for workshop in workshops:
        if workshop.stop_id != stop.pk or workshop.kind != Session.Kind.WORKSHOP:
            raise InvalidWorkshopChoice()
    if workshops and mode != Mode.IN_PERSON:
        raise InvalidWorkshopChoice(
            _("Workshops are held in person only: choose in-person attendance to take part.")
        )
    # One workshop cannot clash with itself: the stop's workshops (the time slots) are read
    # only to check two or more.
    if len({w.pk for w in workshops}) != len(workshops) or (
        len(workshops) > 1
        and more_than_one_per_slot(workshops, Session.objects.filter(stop=stop).workshops())
    ):
        raise InvalidWorkshopChoice(_("Choose at most one workshop per time slot."))
    return workshops


def _count_seats(model, pk, change):
    """``seats_taken = seats_taken + change`` on one row of the stops or the workshops.

    Written out: two run on every registration, and the ORM took four times as long to build
    this statement as the database to run it (``benchmarks/registration_burst.py``). The
    database's check constraints keep the counter within the capacity as before.
    """
    quote = connection.ops.quote_name
    column = quote("seats_taken")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {column} = {column} + %s "
            f"WHERE {quote(model._meta.pk.column)} = %s",
            [change, pk],
        )


def take_stop_place(stop):
    _count_seats(Stop, stop.pk, 1)
    stop.seats_taken += 1


def free_stop_place(stop):
    _count_seats(Stop, stop.pk, -1)
    stop.seats_taken -= 1


def take_free_place(stop):
    """The stop's row locked, with one of its in-person places taken: one statement.

    Returns the stop (``SEAT_FIELDS``, its counter with the place), or None when no place is
    free (or the stop is gone): then nothing is taken and nothing locked, and the caller
    locks the stop (``lock_stop``) and decides. ``UPDATE ... WHERE seats_taken < capacity``
    takes the same row lock as ``lock_stop`` and, waiting for another transaction's lock,
    checks the condition again on the row it committed: the registration's hot path locks
    the stop and takes the place in one round trip instead of two.
    """
    if connection.get_autocommit():  # the lock would end with the statement
        raise TransactionManagementError("take_free_place needs a transaction.")
    if not connection.features.can_return_columns_from_insert:  # SQLite before 3.35
        return None
    sql, reading = _place_statement(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [stop.pk])
        row = cursor.fetchone()
    return None if row is None else _instance(Stop, reading, row)


@functools.lru_cache(maxsize=4)
def _place_statement(vendor):
    quote = connection.ops.quote_name
    reading, listed = _reading(Stop, SEAT_FIELDS)
    taken, capacity = quote("seats_taken"), quote("capacity")
    sql = (
        f"UPDATE {quote(Stop._meta.db_table)} SET {taken} = {taken} + 1 "
        f"WHERE {quote(Stop._meta.pk.column)} = %s AND {taken} < {capacity} RETURNING {listed}"
    )
    return sql, reading


def book_workshops(registration, workshops, *, accept_waiting_list, now):
    """Seat the registration in each workshop, or put it on the workshop's waiting list.

    The workshops are read again under their lock: one deleted, or no longer a workshop of
    the stop, since the caller read it is refused (InvalidWorkshopChoice). The bookings are
    written out (``rows.insert``): a registration burst writes one per registrant.
    """
    if not workshops:
        return
    quote = connection.ops.quote_name
    ids = [workshop.pk for workshop in workshops]
    sessions = _locked_rows(
        Session,
        ["title", "capacity", "seats_taken"],  # the title: WorkshopFull's message
        f"{quote(Session._meta.get_field('stop').column)} = %s "
        f"AND {quote(Session._meta.get_field('kind').column)} = %s "
        f"AND {quote(Session._meta.pk.column)} IN ({', '.join(['%s'] * len(ids))})",
        [registration.stop_id, Session.Kind.WORKSHOP, *ids],
        order_by="id",
    )
    if len(sessions) != len(workshops):
        raise InvalidWorkshopChoice()
    for session in sessions:
        if registration.holds_in_person_place and session.seats_taken < session.capacity:
            rows.insert(
                WorkshopBooking(
                    registration=registration,
                    session=session,
                    status=WorkshopBooking.Status.CONFIRMED,
                )
            )
            _count_seats(Session, session.pk, 1)
        elif registration.status == Status.WAITING or accept_waiting_list:
            rows.insert(
                WorkshopBooking(
                    registration=registration,
                    session=session,
                    status=WorkshopBooking.Status.WAITING,
                    waiting_since=now,
                )
            )
        else:
            raise WorkshopFull(session)


def drop_bookings(bookings):
    """Delete bookings, freeing their seats; returns the ids of the workshops concerned."""
    session_ids = []
    for booking in bookings:
        if booking.status == WorkshopBooking.Status.CONFIRMED:
            _count_seats(Session, booking.session_id, -1)
        session_ids.append(booking.session_id)
        booking.delete()
    return session_ids


def release(registration, stop):
    """Free the registration's place and workshop seats (the stop is locked)."""
    if registration.holds_in_person_place:
        free_stop_place(stop)
    drop_bookings(list(registration.bookings.all()))


def _fill(stop, now):
    """Give every free place of the (locked) stop and its workshops to those waiting.

    Returns the registrations that got a place or a workshop seat. After the day's date
    nobody is promoted (a cancellation or an erasure afterwards): a place for a day gone by is
    no news to e-mail. On the day itself, even after its end time, the desk still seats people.
    """
    if date_is_past(stop, now):
        return []
    promoted = {}
    free = stop.capacity - stop.seats_taken
    if free > 0:
        waiting = _for_update(Registration.objects.filter(stop=stop).waiting_in_line())[:free]
        for registration in waiting:
            registration.status = Status.CONFIRMED
            registration.waiting_since = None
            registration.save(update_fields=["status", "waiting_since", "updated_at"])
            take_stop_place(stop)
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
            _count_seats(Session, session.pk, 1)
            promoted.setdefault(booking.registration_id, booking.registration)
    for registration in promoted.values():
        emails.send_promotion(registration)
    return list(promoted.values())


def settle(stop, now):
    """After seats were freed or added: seat those waiting, and refresh the cached pages."""
    promoted = _fill(stop, now)
    seats_changed(stop)
    return promoted


@transaction.atomic
def recount_seats(*, stop):
    """Rebuild the stop's and its workshops' seat counters from the rows; returns the drift.

    The drift is ``[(label, stored, counted), ...]`` for each counter that was wrong.
    """
    stop = lock_stop(stop)
    workshops = list(_for_update(Session.objects.filter(stop=stop).workshops().order_by("pk")))
    drift = selectors.seat_drift(stop, workshops)
    for obj, _label, _stored, counted in drift:
        type(obj).objects.filter(pk=obj.pk).update(seats_taken=counted)
    if drift:
        seats_changed(stop)
    return [(label, stored, counted) for _obj, label, stored, counted in drift]
