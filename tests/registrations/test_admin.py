import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import Session, Stop
from registrations import services
from registrations.models import Registration
from tests.admin_forms import session_change_data, stop_change_data
from tests.factories import StopFactory, WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def fill(stop):
    for _ in range(3):
        services.register(stop=stop, **registration_details())


def test_raising_the_capacity_in_the_admin_promotes_the_waiting_list(admin_client, stop):
    fill(stop)
    waiting, _ = services.register(stop=stop, **registration_details(accept_waiting_list=True))

    response = admin_client.post(
        reverse("admin:events_stop_change", args=[stop.pk]),
        stop_change_data(admin_client, stop, capacity=4),
    )

    assert response.status_code == 302
    assert Stop.objects.get(pk=stop.pk).capacity == 4
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"
    assert Stop.objects.get(pk=stop.pk).seats_taken == 4


def test_admin_refuses_a_capacity_below_the_places_taken_in_french(admin_client, stop):
    fill(stop)
    admin_client.cookies["django_language"] = "fr"

    response = admin_client.post(
        reverse("admin:events_stop_change", args=[stop.pk]),
        stop_change_data(admin_client, stop, capacity=2),
    )

    assert response.status_code == 200
    assert "3 places en présentiel sont déjà prises" in text_of(response)
    assert Stop.objects.get(pk=stop.pk).capacity == 3


@pytest.fixture
def waited_workshop(stop):
    """A full workshop of one seat: one person booked, one waiting."""
    workshop = WorkshopFactory(stop=stop, capacity=1, title="Atelier complet")
    for _ in range(2):
        services.register(
            stop=stop, **registration_details(workshops=[workshop], accept_waiting_list=True)
        )
    return workshop


@pytest.mark.parametrize("change", ["stop", "kind"])
def test_a_workshop_with_bookings_keeps_its_day_and_kind(admin_client, waited_workshop, change):
    admin_client.cookies["django_language"] = "fr"
    value = StopFactory().pk if change == "stop" else "plenary"

    response = admin_client.post(
        reverse("admin:events_session_change", args=[waited_workshop.pk]),
        session_change_data(admin_client, waited_workshop, **{change: value}),
    )

    assert response.status_code == 200
    assert "« Atelier complet » a des personnes inscrites ou en attente" in text_of(response)
    unchanged = Session.objects.get(pk=waited_workshop.pk)
    assert (unchanged.stop_id, unchanged.kind) == (waited_workshop.stop_id, "workshop")


def test_a_workshop_with_only_people_waiting_is_not_deleted_from_the_stop(admin_client, stop):
    admin_client.cookies["django_language"] = "fr"
    fill(stop)
    workshop = WorkshopFactory(stop=stop, capacity=1, title="Atelier en attente")
    services.register(
        stop=stop, **registration_details(workshops=[workshop], accept_waiting_list=True)
    )  # the day is full: waiting for the day and the workshop, no seat taken
    data = stop_change_data(admin_client, stop)
    data.update(
        {
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "1",
            "sessions-0-id": str(workshop.pk),
            "sessions-0-stop": str(stop.pk),
            "sessions-0-starts_at_0": workshop.starts_at.astimezone().strftime("%d/%m/%Y"),
            "sessions-0-starts_at_1": workshop.starts_at.astimezone().strftime("%H:%M"),
            "sessions-0-ends_at_0": workshop.ends_at.astimezone().strftime("%d/%m/%Y"),
            "sessions-0-ends_at_1": workshop.ends_at.astimezone().strftime("%H:%M"),
            "sessions-0-kind": "workshop",
            "sessions-0-title": workshop.title,
            "sessions-0-capacity": "1",
            "sessions-0-DELETE": "on",
        }
    )

    response = admin_client.post(reverse("admin:events_stop_change", args=[stop.pk]), data)

    assert response.status_code == 200
    # Django's own check of protected rows (the bookings), before any other.
    assert "provoquerait la suppression des objets liés et protégés suivants" in text_of(response)
    assert Session.objects.filter(pk=workshop.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_saving_a_session_locks_its_stop_first_as_the_services_do(admin_client, waited_workshop):
    data = session_change_data(admin_client, waited_workshop, capacity=2)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            reverse("admin:events_session_change", args=[waited_workshop.pk]), data
        )

    assert response.status_code == 302
    locked = [q["sql"].split(" FROM ")[1].split()[0] for q in queries if "FOR NO KEY" in q["sql"]]
    assert locked[:2] == ['"events_stop"', '"events_session"']
