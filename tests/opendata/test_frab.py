"""The frab schedule exports: valid against the public schemas, complete, stable, fast."""

import json
import re

import pytest
from django.conf import settings
from lxml import etree

from events.models import Session, Stop
from opendata.frab import guid
from speakers.models import SessionSpeaker
from tests.factories import (
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    StopFactory,
    WorkshopFactory,
)

from .conftest import before_and_after_the_day, give_document

pytestmark = pytest.mark.django_db


def get_xml(client, stop):
    response = client.get(f"/{stop.slug}/schedule.xml")
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.content)


def get_json(client, stop):
    response = client.get(f"/{stop.slug}/schedule.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def json_errors(validator, document):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_demo_day_xml_is_valid_frab(client, demo_stop, frab_xml_schema):
    root = get_xml(client, demo_stop)

    assert frab_xml_schema.validate(root), frab_xml_schema.error_log
    assert root.findtext("conference/acronym") == "transfo_montpellier_07122023"
    assert root.findtext("conference/time_zone_name") == "Europe/Paris"
    assert [day.get("date") for day in root.iter("day")] == ["2023-12-07"]
    assert len(root.findall("day/room/event")) == 11


def test_demo_day_xml_shows_parallel_workshops_in_their_rooms(client, demo_stop):
    root = get_xml(client, demo_stop)

    workshops = [e for e in root.iter("event") if e.findtext("type") == "workshop"]
    assert [
        (e.findtext("room"), e.findtext("start"), e.findtext("duration")) for e in workshops
    ] == [
        ("Atelier A", "15:00", "01:30"),
        ("Atelier B", "15:00", "01:30"),
        ("Atelier C", "15:00", "01:30"),
    ]
    assert [room.get("name") for room in root.find("day")] == [
        demo_stop.venue_name,
        "Salle du Conseil",
        "Atelier A",
        "Atelier B",
        "Atelier C",
    ]
    assert workshops[0].findtext("date") == "2023-12-07T15:00:00+01:00"


def test_demo_day_xml_lists_persons_with_their_roles(client, demo_stop):
    root = get_xml(client, demo_stop)

    plenary = next(e for e in root.iter("event") if e.findtext("type") == "plenary")
    line_up = SessionSpeaker.objects.filter(session_id=int(plenary.get("id"))).order_by("order")
    assert [p.text for p in plenary.find("persons")] == [ss.speaker.full_name for ss in line_up]
    assert plenary.findtext("description").splitlines()[0] == (
        f"Introduction : {line_up[0].speaker.full_name}"
    )
    first = plenary.find("persons/person")
    assert first.get("guid") == guid("speaker", line_up[0].speaker_id)


def test_demo_day_json_is_valid_frab(client, demo_stop, frab_json_validator):
    document = get_json(client, demo_stop)

    assert json_errors(frab_json_validator, document) == []
    conference = document["schedule"]["conference"]
    assert conference["time_zone_name"] == "Europe/Paris"
    assert conference["daysCount"] == 1
    rooms = conference["days"][0]["rooms"]
    assert [e["title"] for e in rooms["Atelier B"]] == ["L’IA nous rend-elle plus efficaces ?"]
    assert sum(len(events) for events in rooms.values()) == 11


def test_demo_day_json_gives_each_person_a_role(client, demo_stop):
    document = get_json(client, demo_stop)

    plenary = next(
        e
        for events in document["schedule"]["conference"]["days"][0]["rooms"].values()
        for e in events
        if e["type"] == "plenary"
    )
    assert [(p["role"], p["role_name"]) for p in plenary["persons"][:2]] == [
        ("introduction", "Introduction"),
        ("speaker", "Intervenant·e"),
    ]


@pytest.mark.parametrize("export", ["schedule.xml", "schedule.json"])
def test_exports_show_no_email(client, demo_stop, export):
    SessionSpeakerFactory(session=demo_stop.sessions.first())  # a speaker with an e-mail

    body = client.get(f"/{demo_stop.slug}/{export}").content.decode()

    assert "@" not in body


def test_session_guids_are_stable_across_edits(client, demo_stop):
    before = {e.get("id"): e.get("guid") for e in get_xml(client, demo_stop).iter("event")}
    Session.objects.filter(stop=demo_stop, kind="keynote").get().delete()
    SessionFactory(stop=demo_stop, title="Nouvelle session")

    after = {e.get("id"): e.get("guid") for e in get_xml(client, demo_stop).iter("event")}

    assert len(before) == 11
    assert len(after) == 11
    kept = before.keys() & after.keys()
    assert len(kept) == 10
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}


def test_export_follows_an_edit_at_once(client, demo_stop):
    get_json(client, demo_stop)  # cached
    session = demo_stop.sessions.get(kind="keynote")
    session.title = "Keynote renommée"
    session.save()

    titles = [e.findtext("title") for e in get_xml(client, demo_stop).iter("event")]

    assert "Keynote renommée" in titles


def test_large_day_exports_are_valid_frab(client, large_stop, frab_xml_schema, frab_json_validator):
    root = get_xml(client, large_stop)
    document = get_json(client, large_stop)

    assert frab_xml_schema.validate(root), frab_xml_schema.error_log
    assert len(root.findall("day/room/event")) == 200
    assert len(root.findall("day")) == 3
    assert json_errors(frab_json_validator, document) == []
    days = document["schedule"]["conference"]["days"]
    assert sum(len(events) for day in days for events in day["rooms"].values()) == 200
    assert len(document["schedule"]["conference"]["rooms"]) == 20


def test_empty_programme_is_still_valid(client, frab_xml_schema, frab_json_validator):
    stop = StopFactory(slug="ab")

    root = get_xml(client, stop)
    document = get_json(client, stop)

    assert frab_xml_schema.validate(root), frab_xml_schema.error_log
    assert json_errors(frab_json_validator, document) == []
    assert root.findtext("conference/acronym") == "stop_ab"


@pytest.mark.parametrize("status", [Stop.Status.DRAFT, Stop.Status.CANCELLED])
def test_unpublished_stop_has_no_export(client, status):
    stop = StopFactory(status=status)
    SessionFactory(stop=stop, title="Secret")

    xml = client.get(f"/{stop.slug}/schedule.xml")
    response = client.get(f"/{stop.slug}/schedule.json")

    assert xml.status_code == 404
    assert b"Secret" not in xml.content
    assert response.status_code == 404
    assert response.json() == {"detail": "Aucune étape publiée à cette adresse."}


def test_unknown_stop_answers_json_404_in_french(client, db):
    response = client.get("/nulle-part/schedule.json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Aucune étape publiée à cette adresse."}


def make_stop(sessions, speakers):
    stop = StopFactory()
    people = SpeakerFactory.create_batch(speakers)
    for index in range(sessions):
        factory = WorkshopFactory if index % 3 == 2 else SessionFactory
        session = factory(stop=stop, room=f"Salle {index % 4}")
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=people[(index + k) % speakers], order=k)
            for k in range(2)
        )
    return stop


# Cold: the stop with its tour, the sessions, the line-ups with their speakers, the speakers'
# documents. Warm: none.
EXPORT_COLD = 4
EXPORT_WARM = 0


@pytest.mark.parametrize(("sessions", "speakers"), [(4, 5), (60, 90)])
@pytest.mark.parametrize("export", ["schedule.xml", "schedule.json"])
def test_export_query_count_does_not_grow_with_the_programme(
    client, django_assert_num_queries, sessions, speakers, export
):
    stop = make_stop(sessions, speakers)

    with django_assert_num_queries(EXPORT_COLD):
        cold = client.get(f"/{stop.slug}/{export}")
    with django_assert_num_queries(EXPORT_WARM):
        warm = client.get(f"/{stop.slug}/{export}")

    assert cold.content == warm.content
    assert cold.content.count(b"Salle 3") >= sessions // 4


def xml_references(event, tag):
    return [(item.get("href"), item.get("type"), item.text) for item in event.iter(tag)]


def json_references(event, key):
    return [(item["url"], item["type"], item["title"]) for item in event[key]]


def json_events(document):
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def test_after_the_day_exports_carry_the_replays_and_documents(
    client, demo_stop, frab_xml_schema, frab_json_validator
):
    plenary = demo_stop.sessions.filter(kind="plenary").get()
    plenary.replay_url = "https://video.example.org/pleniere"
    plenary.save()
    document = give_document(plenary, "Diapositives de la plénière")
    slides = f"{settings.SITE_URL}{document.get_absolute_url()}"

    root = get_xml(client, demo_stop)
    data = get_json(client, demo_stop)

    assert frab_xml_schema.validate(root), frab_xml_schema.error_log
    assert not json_errors(frab_json_validator, data)
    event = next(e for e in root.iter("event") if e.get("id") == str(plenary.pk))
    replay = ("https://video.example.org/pleniere", "media", "Voir le replay")
    assert xml_references(event, "link") == [replay]
    assert xml_references(event, "attachment") == [
        (slides, "slides", "Diapositives de la plénière")
    ]
    entry = next(e for e in json_events(data) if e["id"] == plenary.pk)
    assert json_references(entry, "links") == [replay]
    assert json_references(entry, "attachments") == [
        (slides, "slides", "Diapositives de la plénière")
    ]
    others = [e for e in json_events(data) if e["id"] != plenary.pk]
    assert all(e["links"] == [] and e["attachments"] == [] for e in others)


@pytest.mark.parametrize("export", ["schedule.xml", "schedule.json"])
def test_replays_and_documents_appear_in_the_exports_when_the_day_ends(
    client, upcoming_with_extras, export
):
    stop = upcoming_with_extras
    url = f"/{stop.slug}/{export}"

    before, after = before_and_after_the_day(client, stop, url)

    assert "video.example.org" not in before.content.decode()
    assert "Support de l’atelier" not in before.content.decode()
    version = re.compile(r'<version>([^<]+)</version>|"version":"([^"]+)"')
    assert (
        version.search(after.content.decode()).groups()
        != version.search(before.content.decode()).groups()
    )  # apps that compare versions see the change
    assert after.status_code == 200
    assert "https://video.example.org/direct" in after.content.decode()
    assert "Support de l’atelier" in after.content.decode()
