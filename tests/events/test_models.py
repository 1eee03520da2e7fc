import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from events.models import Session, Stop, group_into_slots, more_than_one_per_slot
from tests.factories import SessionFactory, StopFactory, WorkshopFactory, at

pytestmark = pytest.mark.django_db


def _french_messages(instance):
    with translation.override("fr"), pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    return " ".join(excinfo.value.messages)


def test_session_ending_before_it_starts_is_refused_by_the_database():
    stop = StopFactory()

    with pytest.raises(IntegrityError, match="session_ends_after_start"), transaction.atomic():
        SessionFactory(stop=stop, starts_at=at(stop.date, 10), ends_at=at(stop.date, 9))

    assert Session.objects.count() == 0


def test_session_ending_before_it_starts_gets_a_french_validation_error():
    stop = StopFactory()
    session = SessionFactory.build(stop=stop, starts_at=at(stop.date, 10), ends_at=at(stop.date, 9))

    assert "Une session doit se terminer après son début." in _french_messages(session)


def test_workshop_without_capacity_is_refused_by_the_database():
    stop = StopFactory()

    with (
        pytest.raises(IntegrityError, match="session_workshop_has_capacity"),
        transaction.atomic(),
    ):
        WorkshopFactory(stop=stop, capacity=None)

    assert Session.objects.count() == 0


def test_workshop_without_capacity_gets_a_french_validation_error():
    session = WorkshopFactory.build(stop=StopFactory(), capacity=None)

    assert "Un atelier doit avoir un nombre de places supérieur à zéro." in _french_messages(
        session
    )


def test_workshop_open_to_online_attendees_is_refused():
    with (
        pytest.raises(IntegrityError, match="session_workshop_in_person_only"),
        transaction.atomic(),
    ):
        WorkshopFactory(in_person_only=False)

    assert Session.objects.count() == 0


def test_duplicate_stop_slug_is_refused():
    StopFactory(slug="transfo-montpellier-07122023")

    with pytest.raises(IntegrityError, match="slug"), transaction.atomic():
        StopFactory(slug="transfo-montpellier-07122023")

    assert Stop.objects.filter(slug="transfo-montpellier-07122023").count() == 1


def test_duplicate_stop_slug_gets_a_french_validation_error():
    StopFactory(slug="chambery")
    duplicate = StopFactory.build(slug="chambery", tour=StopFactory().tour)

    assert "existe déjà" in _french_messages(duplicate)


def test_stop_slug_reserved_for_a_site_page_is_refused():
    stop = StopFactory.build(slug="intervenants", tour=StopFactory().tour)

    assert "est réservé à une page du site" in _french_messages(stop)


def test_stop_registration_closing_before_it_opens_is_refused():
    stop = StopFactory()

    with (
        pytest.raises(IntegrityError, match="stop_registration_closes_after_opening"),
        transaction.atomic(),
    ):
        Stop.objects.filter(pk=stop.pk).update(
            registration_closes_at=stop.registration_opens_at - datetime.timedelta(hours=1)
        )

    assert Stop.objects.get(pk=stop.pk).registration_closes_at == stop.registration_closes_at


def test_stop_capacity_cannot_drop_below_places_taken():
    stop = StopFactory(capacity=10)
    Stop.objects.filter(pk=stop.pk).update(seats_taken=8)

    with pytest.raises(IntegrityError, match="stop_not_overbooked"), transaction.atomic():
        Stop.objects.filter(pk=stop.pk).update(capacity=5)

    assert Stop.objects.get(pk=stop.pk).capacity == 10


def test_workshop_seats_cannot_exceed_capacity():
    workshop = WorkshopFactory(capacity=2)

    with pytest.raises(IntegrityError, match="session_not_overbooked"), transaction.atomic():
        Session.objects.filter(pk=workshop.pk).update(seats_taken=3)

    assert Session.objects.get(pk=workshop.pk).seats_taken == 0


def test_overlaps_chain_into_one_slot():
    stop = StopFactory()
    a = WorkshopFactory(stop=stop, starts_at=at(stop.date, 9), ends_at=at(stop.date, 10))
    b = WorkshopFactory(stop=stop, starts_at=at(stop.date, 9, 30), ends_at=at(stop.date, 11))
    c = WorkshopFactory(stop=stop, starts_at=at(stop.date, 10, 30), ends_at=at(stop.date, 12))
    d = WorkshopFactory(stop=stop, starts_at=at(stop.date, 14), ends_at=at(stop.date, 15))

    slots = group_into_slots([c, d, a, b])

    assert [slot.sessions for slot in slots] == [[a, b, c], [d]]
    assert more_than_one_per_slot([a, c], [a, b, c, d]) is True
    assert more_than_one_per_slot([a, d], [a, b, c, d]) is False


def test_group_into_slots_puts_overlapping_sessions_together():
    stop = StopFactory()
    welcome = SessionFactory(stop=stop, starts_at=at(stop.date, 8, 30), ends_at=at(stop.date, 9))
    workshops = [WorkshopFactory(stop=stop) for _ in range(3)]

    slots = group_into_slots(Session.objects.filter(stop=stop))

    assert [slot.sessions for slot in slots] == [[welcome], workshops]
    assert [slot.is_parallel for slot in slots] == [False, True]
