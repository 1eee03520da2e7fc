import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from demo.data import MONTPELLIER_SLUG
from events.models import Stop
from tests.factories import StopFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def parse(response):
    return Calendar.from_ical(response.content)


def test_programme_calendar_has_one_event_per_session_in_paris_time(client, demo_stop):
    response = client.get(f"/{MONTPELLIER_SLUG}/programme.ics")

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    calendar = parse(response)
    events = calendar.walk("VEVENT")
    assert len(events) == demo_stop.sessions.count() == 11
    first = events[0]
    assert first.decoded("dtstart") == datetime.datetime(2023, 12, 7, 8, 30, tzinfo=PARIS)
    assert str(first["dtstart"].params["TZID"]) == "Europe/Paris"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert len({str(event["uid"]) for event in events}) == 11


def test_programme_calendar_event_has_location_and_speakers(client, demo_stop):
    events = parse(client.get(f"/{MONTPELLIER_SLUG}/programme.ics")).walk("VEVENT")

    plenary = next(e for e in events if str(e["summary"]).startswith("Conférence plénière"))
    assert str(plenary["location"]) == (
        "Salle du Conseil, Hôtel de Montpellier Méditerranée Métropole, "
        "50 place Zeus BP 9531, 34045 Montpellier"
    )
    description = str(plenary["description"])
    assert "Introduction\u202f: Yann Ferguson, Responsable scientifique, LaborIA & Matrice" in (
        description
    )
    assert "Mustapha Derras" in description
    workshop = next(e for e in events if "qui commande" in str(e["summary"]))
    assert workshop.decoded("dtend") == datetime.datetime(2023, 12, 7, 16, 30, tzinfo=PARIS)
    assert str(workshop["location"]).startswith("Atelier A, Hôtel de Montpellier")
    assert str(plenary["url"]).endswith(f"/{MONTPELLIER_SLUG}/")


def test_programme_calendar_of_a_draft_stop_is_not_found(client):
    stop = StopFactory(status=Stop.Status.DRAFT)

    response = client.get(f"{stop.get_absolute_url()}programme.ics")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Page introuvable" in text_of(response)
    assert stop.title not in response.text
