import pytest

from registrations.forms import slot_field_name
from tests.factories import StopFactory, WorkshopFactory


@pytest.fixture
def stop(db):
    return StopFactory(capacity=3)


@pytest.fixture
def workshops(stop):
    return [WorkshopFactory(stop=stop, capacity=2) for _ in range(3)]


@pytest.fixture
def form_data(workshops):
    """A valid in-person registration with the first workshop, as the browser posts it."""
    slot = slot_field_name(workshops[0].starts_at)
    return {
        "first_name": "Camille",
        "last_name": "Durand",
        "email": "camille.durand@example.org",
        "organisation": "Métropole de Montpellier",
        "job_title": "Cheffe de projet numérique",
        "category": "local_staff",
        "phone": "06 12 34 56 78",
        "mode": "in_person",
        slot: str(workshops[0].pk),
        "lunch": "on",
        "dietary_requirements": "Végétarien",
        "access_needs": "",
        "website": "",
    }
