"""Printable sheets: the whole day's attendance sheet, badges with any name length."""

import pytest
from django.urls import reverse

from registrations import services
from tests.factories import registration_details
from tests.pages import text_of

pytestmark = pytest.mark.django_db

LONG = "Anticonstitutionnellementpourlesbadgesetlesnomsquinefinissentjamais"


def test_whole_day_attendance_sheet_lists_everyone_expected_in_person(admin_client, stop):
    services.register(stop=stop, **registration_details(last_name="Aubert"))
    services.register(stop=stop, **registration_details(last_name="Zola"))
    services.register(stop=stop, **registration_details(last_name="Enligne", mode="online"))
    admin_client.cookies["django_language"] = "fr"

    response = admin_client.get(reverse("admin:events_stop_attendance_day", args=[stop.pk]))

    text = text_of(response)
    assert "Feuille d’émargement de la journée" in text
    assert text.index("AUBERT") < text.index("ZOLA")
    assert "ENLIGNE" not in text
    assert 'class="signature"' in response.content.decode()


def test_badges_mark_a_long_name_to_shrink_and_link_the_print_styles(admin_client, stop):
    services.register(stop=stop, **registration_details(last_name=LONG))

    response = admin_client.get(reverse("admin:events_stop_badges", args=[stop.pk]))

    html = response.content.decode()
    assert 'class="badge-name is-long"' in html
    assert LONG.upper() in html
    assert "css/printable.css" in html
