"""No overselling when many people register in the same instant.

Threads start together at a barrier and each registers in its own real transaction
(``transaction=True``), on whichever database the suite runs on.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from background.models import EmailDelivery
from events.models import Stop
from registrations import selectors, services
from registrations.models import Registration, WorkshopBooking
from registrations.services import seats
from tests.factories import StopFactory, WorkshopFactory, registration_details
from tests.pages import french

pytestmark = pytest.mark.django_db(transaction=True)

ATTEMPTS = 50
SEATS = 20


def run_together(count, action):
    """Run ``action(i)`` in ``count`` threads released at once; returns the exceptions."""
    barrier = threading.Barrier(count)
    errors = []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            action(index)
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def outcome(errors, rows, counter):
    stop = Stop.objects.get(pk=getattr(counter, "stop_id", counter.pk))
    return {
        # The reconciliation (manage.py check_seats) finds the counters equal to the rows.
        "drift": selectors.stops_seat_drift([stop]),
        "errors": errors,
        "confirmed": rows.filter(status="confirmed").count(),
        "waiting": rows.filter(status="waiting").count(),
        "counter": counter.__class__.objects.get(pk=counter.pk).seats_taken,
    }


def burst_at_workshop():
    stop = StopFactory(capacity=ATTEMPTS * 2)
    workshop = WorkshopFactory(stop=stop, capacity=SEATS)

    def register(index):
        services.register(
            stop=stop,
            **registration_details(
                email=f"attendee{index}@example.org",
                workshops=[workshop],
                accept_waiting_list=True,
            ),
        )

    errors = run_together(ATTEMPTS, register)
    return outcome(errors, WorkshopBooking.objects.filter(session=workshop), workshop)


def burst_choosing_workshop():
    """Fifty attendees already registered pick the same workshop at once."""
    stop = StopFactory(capacity=ATTEMPTS * 2)
    workshop = WorkshopFactory(stop=stop, capacity=SEATS)
    attendees = [
        services.register(stop=stop, **registration_details(email=f"attendee{index}@example.org"))[
            0
        ]
        for index in range(ATTEMPTS)
    ]

    def choose(index):
        services.change_workshops(
            registration=attendees[index], workshops=[workshop], accept_waiting_list=True
        )

    errors = run_together(ATTEMPTS, choose)
    return outcome(errors, WorkshopBooking.objects.filter(session=workshop), workshop)


def burst_at_stop():
    stop = StopFactory(capacity=SEATS)

    def register(index):
        services.register(
            stop=stop,
            **registration_details(email=f"attendee{index}@example.org", accept_waiting_list=True),
        )

    errors = run_together(ATTEMPTS, register)
    return outcome(errors, Registration.objects.filter(stop=stop), stop)


EXACT = {
    "drift": {},
    "errors": [],
    "confirmed": SEATS,
    "waiting": ATTEMPTS - SEATS,
    "counter": SEATS,
}


def test_fifty_concurrent_registrations_fill_a_workshop_of_twenty_exactly():
    assert burst_at_workshop() == EXACT


def test_fifty_concurrent_workshop_choices_fill_it_exactly():
    assert burst_choosing_workshop() == EXACT


def test_fifty_concurrent_registrations_fill_the_stop_exactly():
    assert burst_at_stop() == EXACT


@pytest.fixture
def without_row_locks(monkeypatch):
    """Take the serialisation away and widen the gap between reading and writing the seats.

    PostgreSQL: no ``SELECT ... FOR UPDATE``, and no conditional ``UPDATE`` taking the lock
    and the place in one statement (``seats.take_free_place``): every registration reads the
    stop, then decides. SQLite: deferred transactions instead of ``BEGIN IMMEDIATE``, so that
    readers do not queue for the write lock.
    """
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", "DEFERRED")
    monkeypatch.setattr(seats, "_for_update", lambda queryset, **options: queryset)
    monkeypatch.setattr(seats, "_lock_clause", lambda **options: "")
    monkeypatch.setattr(seats, "lock_stop", slow_unlocked_stop)
    monkeypatch.setattr(seats, "take_free_place", lambda stop: None)


def slow_unlocked_stop(stop, **options):
    read = Stop.objects.get(pk=stop.pk)
    time.sleep(0.05)
    return read


def failure_of(error):
    """What stopped a transaction without locks: the database's own guard."""
    if connection.vendor == "sqlite":
        return "locked" if "database is locked" in str(error) else repr(error)
    return "overbooked" if "overbooked" in str(error) else repr(error)


# A registration with a workshop also updates the stop's seat counter first, and that
# UPDATE's own row lock already serialises the workshop part: the workshop's lock is shown
# to matter where nothing else serialises, when registered attendees choose a workshop.
# On SQLite, a new registration's first statement is its INSERT, which takes the database's
# write lock at once, even in a deferred transaction: nothing is read stale, locks or not.
@pytest.mark.parametrize(
    "burst",
    [
        burst_choosing_workshop,
        pytest.param(
            burst_at_stop,
            marks=pytest.mark.skipif(
                connection.vendor == "sqlite",
                reason="SQLite: a registration writes before it reads, so it never reads stale",
            ),
        ),
    ],
)
def test_negative_control_without_locks_people_get_errors_instead_of_the_waiting_list(
    without_row_locks, burst
):
    result = burst()
    failures = {failure_of(error) for error in result["errors"]}

    # Transactions decide on stale seat counts. What stops the oversell is the database
    # itself: PostgreSQL's check constraint ("…_not_overbooked"), SQLite's refusal to let a
    # stale reader write ("database is locked"). The people concerned get an error instead
    # of a place on the waiting list, which the exact outcome above never shows.
    assert result["errors"]
    assert failures == {"locked" if connection.vendor == "sqlite" else "overbooked"}
    assert result["counter"] == result["confirmed"]
    assert result["drift"] == {}
    assert result["confirmed"] + result["waiting"] + len(result["errors"]) == ATTEMPTS
    if connection.vendor == "postgresql":
        assert result["confirmed"] == SEATS  # the constraint lets no more in
    else:
        assert result["confirmed"] <= SEATS


def test_one_address_registering_many_times_at_once_gets_one_registration():
    stop = StopFactory(capacity=SEATS)
    workshop = WorkshopFactory(stop=stop, capacity=SEATS)
    created = []

    def register(index):
        details = registration_details(email="Same@Example.org", workshops=[workshop])
        created.append(services.register(stop=stop, **details)[1])

    errors = run_together(10, register)

    assert errors == []
    assert sorted(created) == [False] * 9 + [True]
    assert Registration.objects.filter(stop=stop).count() == 1
    assert Stop.objects.get(pk=stop.pk).seats_taken == 1
    assert selectors.stops_seat_drift([stop]) == {}


def lock_waiters():
    """How many sessions of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def sessions_waiting_for_a_lock(count, timeout=20):
    """Return once ``count`` other sessions of this database wait for a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock_waiters() >= count:
            return
        time.sleep(0.02)
    raise AssertionError(f"{count} sessions never waited for a lock")


def walk_in(stop, email):
    """The desk enters Zoé Martin, who did not register, with ``email``."""
    return services.register_walk_in(
        stop=stop,
        first_name="Zoé",
        last_name="Martin",
        organisation="Mairie",
        category="elected",
        email=email,
    )


def in_thread(action, results, name=None):
    """Run ``action`` in a thread of its own; its value or its exception lands in ``results``."""

    def run():
        try:
            results.append(action())
        except Exception as error:  # noqa: BLE001 - asserted on
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
@pytest.mark.parametrize("second", ["organiser changes an address", "walk-in at the desk"])
def test_an_address_taken_while_its_registration_waits_for_the_stop_is_refused_cleanly(second):
    """A registration writes its row, then waits for the stop's lock; meanwhile an organiser
    gives that address to someone else, or enters a walk-in with it. The walk-in waits for the
    registration's row (the unique index); the change of address queues for the stop's lock
    behind it. Neither holds what the registration waits for: no deadlock, and once the
    registration commits, the second is refused with the usual message."""
    stop = StopFactory(capacity=10)
    other = services.register(stop=stop, **registration_details(email="other@example.org"))[0]
    locked, release = threading.Event(), threading.Event()
    held, registered, refused = [], [], []

    def hold_the_stop():  # any service at work on the stop
        with transaction.atomic():
            seats.lock_stop(stop)
            locked.set()
            release.wait(timeout=30)

    def take_the_address():
        if second == "walk-in at the desk":
            return walk_in(stop, "Same@Example.org")
        return services.change_email(registration=other, email="same@example.org")

    threads = [in_thread(hold_the_stop, held)]
    assert locked.wait(timeout=10)
    details = registration_details(email="same@example.org")
    threads.append(in_thread(lambda: services.register(stop=stop, **details), registered))
    sessions_waiting_for_a_lock(1)  # the registration, its row written, waits for the stop
    threads.append(in_thread(take_the_address, refused))
    sessions_waiting_for_a_lock(2)  # the second waits for the registration, or for the stop
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    [(registration, created)] = registered
    [error] = refused
    assert created is True
    if second == "walk-in at the desk":
        assert type(error) is services.RegistrationError, repr(error)
        assert french("déjà inscrite : recherchez plutôt la personne") in str(error)
    else:
        assert type(error) is services.EmailTaken, repr(error)
    assert list(Registration.objects.active_with_email("same@example.org")) == [registration]
    assert Registration.objects.get(pk=other.pk).email == "other@example.org"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_an_organiser_changing_an_address_as_it_is_registered_never_deadlocks(monkeypatch):
    """The change holds its locks (the stop's among them) when the same address is registered
    online: the registration, its row written, waits for the change's lock on the stop, and
    the change's new address waits for the registration. Without a bound on that second wait
    (``ADDRESS_WAIT``), PostgreSQL finds a deadlock and one of the two fails with an error;
    with it, the change is refused as an address already registered, and the registration
    goes through."""
    from registrations.services import registration as registration_services

    stop = StopFactory(capacity=10)
    other = services.register(stop=stop, **registration_details(email="other@example.org"))[0]
    paused, resume = threading.Event(), threading.Event()
    check_editable = registration_services._editable

    def pause_after_the_locks(*args, **kwargs):
        paused.set()
        resume.wait(timeout=30)
        return check_editable(*args, **kwargs)

    monkeypatch.setattr(registration_services, "_editable", pause_after_the_locks)
    changed, registered = [], []
    details = registration_details(email="same@example.org")
    threads = [
        in_thread(
            lambda: services.change_email(registration=other, email="same@example.org"), changed
        )
    ]
    assert paused.wait(timeout=10)
    threads.append(in_thread(lambda: services.register(stop=stop, **details), registered))
    wait_for_a_lock_or(registered)
    resume.set()
    for thread in threads:
        thread.join(timeout=30)

    assert [type(result) for result in changed] == [services.EmailTaken], changed
    [(registration, created)] = registered
    assert created is True
    assert list(Registration.objects.active_with_email("same@example.org")) == [registration]
    assert Registration.objects.get(pk=other.pk).email == "other@example.org"


def wait_for_a_lock_or(done, timeout=20):
    """Return once ``done`` holds something or a session waits for a lock."""
    deadline = time.monotonic() + timeout
    while not done:
        if lock_waiters():
            return
        if time.monotonic() > deadline:
            raise AssertionError("nothing done, nobody waiting for a lock")
        time.sleep(0.02)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_a_walk_in_and_an_online_registration_of_one_address_never_deadlock(monkeypatch):
    """The desk's walk-in has taken the stop's lock when the same address is registered
    online. Had the walk-in taken the lock before writing its row, the registration (its row
    written) would wait for the lock, and the walk-in's row for the registration."""
    stop = StopFactory(capacity=10)
    paused, resume = threading.Event(), threading.Event()
    lock_stop = seats.lock_stop

    def pause_the_walk_in_once_locked(*args, **kwargs):
        locked = lock_stop(*args, **kwargs)
        if threading.current_thread().name == "walk-in":
            paused.set()
            resume.wait(timeout=30)
        return locked

    monkeypatch.setattr(seats, "lock_stop", pause_the_walk_in_once_locked)
    walked_in, registered = [], []
    desk = in_thread(lambda: walk_in(stop, "same@example.org"), walked_in, name="walk-in")
    details = registration_details(email="Same@Example.org")
    assert paused.wait(timeout=10)
    online = in_thread(lambda: services.register(stop=stop, **details), registered)
    wait_for_a_lock_or(registered)
    resume.set()
    for thread in (desk, online):
        thread.join(timeout=30)

    [walk_in_registration] = walked_in
    assert isinstance(walk_in_registration, Registration), walk_in_registration
    [(registration, created)] = registered  # the person online is sent their link
    assert (registration, created) == (walk_in_registration, False)
    assert Stop.objects.get(pk=stop.pk).seats_taken == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_an_organiser_changing_address_and_mode_while_the_person_cancels_never_deadlocks():
    """The admin's change form runs its services in one transaction (address, then mode).
    Each takes the stop's lock before the registration's, as the cancellation does: the
    cancellation waits for the form, never the other way round."""
    stop = StopFactory(capacity=10)
    person = services.register(stop=stop, **registration_details(email="ada@example.org"))[0]
    paused, resume = threading.Event(), threading.Event()
    changed, cancelled = [], []

    def organiser_form():
        with transaction.atomic():
            changed_person = services.change_email(registration=person, email="ada@mairie.fr")
            paused.set()
            resume.wait(timeout=30)
            return services.switch_mode(
                registration=changed_person, mode="online", by_organiser=True
            )

    threads = [in_thread(organiser_form, changed)]
    assert paused.wait(timeout=10)
    threads.append(in_thread(lambda: services.cancel_registration(registration=person), cancelled))
    wait_for_a_lock_or(cancelled)
    resume.set()
    for thread in threads:
        thread.join(timeout=30)

    assert [type(result) for result in changed + cancelled] == [Registration, Registration]
    person = Registration.objects.get(pk=person.pk)
    assert (person.email, person.mode, person.status) == ("ada@mairie.fr", "online", "cancelled")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="transactions: PostgreSQL only")
def test_an_address_freed_just_as_it_is_registered_again_is_registered(monkeypatch):
    """The INSERT finds the address taken, then that registration is cancelled before the
    stop's lock: the registration starts again and goes through (no error, no "already
    registered" e-mail for a cancelled registration)."""
    from registrations.services import registration as registration_services

    stop = StopFactory(capacity=10)
    first = services.register(stop=stop, **registration_details(email="ada@example.org"))[0]
    insert = registration_services.rows.insert_unless_taken
    calls, cancelled = [], []

    def cancelled_meanwhile(instance):
        written = insert(instance)
        calls.append(written)
        if not written and len(calls) == 1:  # another connection cancels, and commits
            thread = in_thread(
                lambda: services.cancel_registration(registration=first, notify=False),
                cancelled,
            )
            thread.join(timeout=30)
        return written

    monkeypatch.setattr(registration_services.rows, "insert_unless_taken", cancelled_meanwhile)
    again, created = services.register(stop=stop, **registration_details(email="ADA@example.org"))

    assert calls == [False, True]
    assert [type(result) for result in cancelled] == [Registration]
    assert created is True
    assert Registration.objects.get(pk=first.pk).status == "cancelled"
    assert list(Registration.objects.active_with_email("ada@example.org")) == [again]
    kinds = list(EmailDelivery.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["received", "received"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lock_timeout: PostgreSQL only")
def test_a_change_of_address_sets_the_lock_timeout_back_as_it_was():
    """The change's short wait for the address is its own: the rest of the transaction (the
    admin form's other changes) waits as long as before."""
    stop = StopFactory(capacity=10)
    person = services.register(stop=stop, **registration_details(email="ada@example.org"))[0]

    def lock_timeout():
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return cursor.fetchone()[0]

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '7s'")
        services.change_email(registration=person, email="ada@mairie.fr")
        assert lock_timeout() == "7s"
    assert Registration.objects.get(pk=person.pk).email == "ada@mairie.fr"


def test_a_registration_chosen_as_a_deadlock_victim_starts_again(monkeypatch):
    """PostgreSQL's deadlock detector may abort a registration (an organiser gave its address
    to someone else at that instant): the registration is tried again, not lost."""
    from django.db import OperationalError

    from registrations.services import registration as registration_services

    class Deadlock(Exception):
        sqlstate = "40P01"

    stop = StopFactory(capacity=10)
    register_once = registration_services._register_once
    attempts = []

    def aborted_once(*args):
        attempts.append(args)
        if len(attempts) == 1:
            raise OperationalError("deadlock detected") from Deadlock()
        return register_once(*args)

    monkeypatch.setattr(registration_services, "_register_once", aborted_once)
    registration, created = services.register(stop=stop, **registration_details())

    assert len(attempts) == 2
    assert created is True
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
