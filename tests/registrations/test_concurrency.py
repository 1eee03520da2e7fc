"""No overselling when many people register in the same instant.

Threads start together at a barrier and each registers in its own real transaction
(``transaction=True``), on whichever database the suite runs on.
"""

import threading
import time

import pytest
from django.db import connection

from registrations import services
from registrations.models import Registration, WorkshopBooking
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
    return {
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


EXACT = {"errors": [], "confirmed": SEATS, "waiting": ATTEMPTS - SEATS, "counter": SEATS}


def test_fifty_concurrent_registrations_fill_a_workshop_of_twenty_exactly():
    assert burst_at_workshop() == EXACT


def test_fifty_concurrent_workshop_choices_fill_it_exactly():
    assert burst_choosing_workshop() == EXACT


def test_fifty_concurrent_registrations_fill_the_stop_exactly():
    assert burst_at_stop() == EXACT


@pytest.fixture
def without_row_locks(monkeypatch):
    """Take the row locks away and widen the gap between reading and writing the seats."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite serialises whole write transactions (BEGIN IMMEDIATE): there is no row "
            "lock to take away"
        )
    real_lock_stop = services._lock_stop

    def slow_unlocked_stop(stop):
        read = real_lock_stop(stop)
        time.sleep(0.05)
        return read

    monkeypatch.setattr(services, "_for_update", lambda queryset: queryset)
    monkeypatch.setattr(services, "_lock_stop", slow_unlocked_stop)


# A registration with a workshop also updates the stop's seat counter first, and that
# UPDATE's own row lock already serialises the workshop part: the workshop's lock is shown
# to matter where nothing else serialises, when registered attendees choose a workshop.
@pytest.mark.parametrize("burst", [burst_choosing_workshop, burst_at_stop])
def test_negative_control_without_locks_the_tests_catch_overselling(without_row_locks, burst):
    outcome = burst()

    # Without locks, transactions decide on stale seat counts: the database constraint stops
    # the oversell (errors), or counts go wrong. Either way the exact outcome is not met.
    assert outcome != EXACT
    assert outcome["counter"] <= SEATS  # the check constraint still holds the line
