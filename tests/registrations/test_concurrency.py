"""No overselling when many people register in the same instant.

Threads start together at a barrier and each registers in its own real transaction
(``transaction=True``), on whichever database the suite runs on.
"""

import threading
import time

import pytest
from django.db import connection

from events.models import Stop
from registrations import selectors, services
from registrations.models import Registration, WorkshopBooking
from registrations.services import seats
from tests.factories import StopFactory, WorkshopFactory, registration_details

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

    PostgreSQL: no ``SELECT ... FOR UPDATE``. SQLite: deferred transactions instead of
    ``BEGIN IMMEDIATE``, so that readers do not queue for the write lock.
    """
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", "DEFERRED")
    monkeypatch.setattr(seats, "_for_update", lambda queryset, **options: queryset)
    monkeypatch.setattr(seats, "_lock_clause", lambda **options: "")
    monkeypatch.setattr(seats, "lock_stop", slow_unlocked_stop)


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
@pytest.mark.parametrize("burst", [burst_choosing_workshop, burst_at_stop])
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
