import pytest
from django.urls import reverse

from events.models import Stop
from registrations import services
from registrations.models import Registration
from tests.admin_forms import stop_change_data
from tests.factories import registration_details
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
