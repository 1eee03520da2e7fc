"""The admin home opens on the next days; stops are listed next first everywhere."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Stop
from registrations import services
from tests.factories import StopFactory, WorkshopFactory, registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def french_admin(admin_client):
    admin_client.cookies["django_language"] = "fr"
    return admin_client


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def past_stop(n, **fields):
    opens = timezone.now() - datetime.timedelta(days=-n + 30)
    return StopFactory(date=in_days(n), registration_opens_at=opens, **fields)


def stops_by_offset(*offsets):
    return {n: past_stop(n, city=f"Ville{n + 100}") for n in offsets}


def test_home_opens_on_the_next_days_with_fill_waiting_lists_and_desk_links(french_admin):
    soon = StopFactory(date=in_days(3), city="Sète", capacity=1)
    later = StopFactory(date=in_days(40), city="Pau")
    past_stop(-2, city="Passéville")
    StopFactory(date=in_days(10), city="Annuléeville", status=Stop.Status.CANCELLED)
    services.register(stop=soon, **registration_details())
    services.register(stop=soon, accept_waiting_list=True, **registration_details())

    response = french_admin.get(reverse("admin:index"))
    text = text_of(response)

    assert text.index("Sète") < text.index("Pau") < text.index("Authentification")
    assert "Passéville" not in text
    assert "Annuléeville" not in text
    assert "Sur place : 1 / 1" in text
    assert "1 personne en liste d’attente" in text
    html = response.content.decode()
    for name in ("dashboard", "check_in", "message"):
        assert reverse(f"admin:events_stop_{name}", args=[soon.pk]) in html
        assert reverse(f"admin:events_stop_{name}", args=[later.pk]) in html


@pytest.mark.parametrize("count", [1, 12])
def test_home_query_count_is_constant(admin_client, django_assert_num_queries, count):
    for n in range(count):
        stop = StopFactory(date=in_days(n + 1), capacity=50)
        WorkshopFactory(stop=stop)
        services.register(stop=stop, **registration_details())

    with django_assert_num_queries(4):
        response = admin_client.get(reverse("admin:index"))

    assert text_of(response).count("Tableau de bord") == count


def test_stops_list_shows_the_next_stop_first_then_the_past_newest_first(french_admin):
    stops = stops_by_offset(-400, 60, -3, 5)

    response = french_admin.get(reverse("admin:events_stop_changelist"))

    listed = list(response.context["cl"].result_list)
    assert listed == [stops[5], stops[60], stops[-3], stops[-400]]


def test_stop_filter_of_the_registrations_lists_the_next_stop_first(french_admin):
    stops = stops_by_offset(-30, 20, 2)

    response = french_admin.get(reverse("admin:registrations_registration_changelist"))

    text = text_of(response)
    positions = [text.index(f"Ville{n + 100}") for n in (2, 20, -30)]
    assert positions == sorted(positions)
    assert stops  # the three stops exist


def test_registrations_list_shows_the_columns_that_matter(french_admin):
    stop = StopFactory(city="Sète", capacity=5)
    workshop = WorkshopFactory(stop=stop, title="Atelier données")
    services.register(stop=stop, workshops=[workshop], **registration_details(last_name="Lefèvre"))

    response = french_admin.get(reverse("admin:registrations_registration_changelist"))

    headers = [h.strip() for h in response.context["cl"].list_display]
    assert headers == [
        "action_checkbox",
        "name",
        "organisation",
        "day",
        "status_and_mode",
        "workshops",
        "arrival",
    ]
    text = text_of(response)
    assert "Lefèvre Camille" in text
    assert "Confirmée · sur place" in text
    assert "Atelier données" in text
