"""The read-only JSON API: public data only, paginated, filtered, French errors, fast."""

import datetime

import pytest
from django.conf import settings

from events.models import Stop
from opendata.frab import guid
from registrations import services
from speakers.models import SessionSpeaker
from tests.factories import (
    SessionFactory,
    SpeakerFactory,
    StopFactory,
    TourFactory,
    WorkshopFactory,
    registration_details,
)
from tests.pages import french

from .conftest import before_and_after_the_day, give_document

pytestmark = pytest.mark.django_db


def test_sessions_list_shows_speakers_roles_and_seats_left(client, demo_stop):
    response = client.get("/api/v1/sessions", {"stop": demo_stop.slug, "kind": "workshop"})

    data = response.json()
    assert data["count"] == 3
    first = data["results"][0]
    assert first["title"] == "IA et aide à la décision : qui commande ?"
    assert first["starts_at"] == "2023-12-07T15:00:00+01:00"
    assert (first["seats"], first["seats_left"]) == (40, 40)
    assert first["guid"] == guid("session", first["id"])
    assert [(s["name"], s["role_name"]) for s in first["speakers"]] == [
        ("Marie Bernard", "Intervenant·e"),
        (first["speakers"][1]["name"], "Intervenant·e"),
    ]


def test_plenary_sessions_have_no_seats(client, demo_stop):
    data = client.get("/api/v1/sessions", {"stop": demo_stop.slug, "kind": "plenary"}).json()

    assert [(s["seats"], s["seats_left"]) for s in data["results"]] == [(None, None)]


def test_seats_left_follow_a_registration_at_once(client, django_capture_on_commit_callbacks):
    stop = StopFactory()
    workshop = WorkshopFactory(stop=stop, capacity=20)
    url = f"/api/v1/sessions?stop={stop.slug}"
    assert client.get(url).json()["results"][0]["seats_left"] == 20  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        services.register(stop=stop, **registration_details(), workshops=[workshop])

    assert client.get(url).json()["results"][0]["seats_left"] == 19


def test_sessions_carry_documents_and_replay_once_the_day_is_over(client, demo_stop):
    plenary = demo_stop.sessions.filter(kind="plenary").get()
    plenary.replay_url = "https://video.example.org/pleniere"
    plenary.save()
    document = give_document(plenary, "Diapositives de la plénière", pages=12)

    data = client.get("/api/v1/sessions", {"stop": demo_stop.slug, "page_size": 100}).json()

    by_id = {session["id"]: session for session in data["results"]}
    assert by_id[plenary.pk]["documents"] == [
        {
            "title": "Diapositives de la plénière",
            "url": f"{settings.SITE_URL}{document.get_absolute_url()}",
            "pages": 12,
            "size": document.size,
        }
    ]
    assert by_id[plenary.pk]["replay_url"] == "https://video.example.org/pleniere"
    others = [session for pk, session in by_id.items() if pk != plenary.pk]
    assert all(s["documents"] == [] and s["replay_url"] is None for s in others)


def test_documents_and_replay_stay_hidden_until_the_day_ends(client, upcoming_with_extras):
    stop = upcoming_with_extras
    url = f"/api/v1/sessions?stop={stop.slug}"

    before, after = before_and_after_the_day(client, stop, url)

    assert (
        before.json()["results"][0]["documents"],
        before.json()["results"][0]["replay_url"],
    ) == (
        [],
        None,
    )
    assert after.status_code == 200
    assert [d["title"] for d in after.json()["results"][0]["documents"]] == ["Support de l’atelier"]
    assert after.json()["results"][0]["replay_url"] == "https://video.example.org/direct"


def test_api_shows_published_stops_only(client):
    published = StopFactory(title="Publiée")
    StopFactory(tour=published.tour, status=Stop.Status.DRAFT, title="Brouillon")
    SessionFactory(stop=StopFactory(status=Stop.Status.DRAFT), title="Session cachée")
    SessionFactory(stop=published, title="Session visible")

    stops = client.get("/api/v1/stops").json()["results"]
    sessions = client.get("/api/v1/sessions").json()["results"]

    assert [s["title"] for s in stops] == ["Publiée"]
    assert [s["title"] for s in sessions] == ["Session visible"]


def test_draft_stop_is_a_french_404(client):
    draft = StopFactory(status=Stop.Status.DRAFT)

    response = client.get(f"/api/v1/stops/{draft.slug}")

    assert response.status_code == 404
    assert response.json() == {"detail": french(f"Aucune étape publiée « {draft.slug} ».")}


def test_speakers_show_nothing_personal(client):
    speaker = SpeakerFactory(email="secret@example.org", bio="Élue locale.")
    SessionSpeaker.objects.create(session=SessionFactory(), speaker=speaker)
    SpeakerFactory(email="unseen@example.org")  # speaks nowhere public

    response = client.get("/api/v1/speakers")
    detail = client.get(f"/api/v1/speakers/{speaker.slug}")

    assert [s["slug"] for s in response.json()["results"]] == [speaker.slug]
    assert b"@" not in response.content + detail.content
    assert detail.json()["bio"] == "Élue locale."
    assert speaker.calendar_token.encode() not in response.content


def test_sessions_filter_by_tour_and_date(client):
    stop = StopFactory(date=datetime.date(2031, 3, 4))
    other = StopFactory(date=datetime.date(2031, 5, 6))
    SessionFactory(stop=stop, title="Mars")
    SessionFactory(stop=other, title="Mai")

    by_tour = client.get("/api/v1/sessions", {"tour": other.tour.slug}).json()
    by_date = client.get("/api/v1/sessions", {"date": "2031-03-04"}).json()
    by_range = client.get("/api/v1/stops", {"date_from": "2031-04-01", "date_to": "2031-12-31"})

    assert [s["title"] for s in by_tour["results"]] == ["Mai"]
    assert [s["title"] for s in by_date["results"]] == ["Mars"]
    assert [s["slug"] for s in by_range.json()["results"]] == [other.slug]


def test_pages_link_to_each_other(client):
    tour = TourFactory()
    StopFactory.create_batch(3, tour=tour)

    first = client.get("/api/v1/stops", {"page_size": 2}).json()
    second = client.get("/api/v1/stops", {"page_size": 2, "page": 2}).json()

    assert (first["count"], first["pages"], len(first["results"])) == (3, 2, 2)
    assert first["next"] == "http://127.0.0.1:8000/api/v1/stops?page_size=2&page=2"
    assert len(second["results"]) == 1
    assert second["previous"] == "http://127.0.0.1:8000/api/v1/stops?page_size=2&page=1"


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("page=0", 400, "Paramètre invalide : page."),
        ("page=abc", 400, "Paramètre invalide : page."),
        ("page_size=101", 400, "Paramètre invalide : page_size."),
        ("page_size=0&page=-1", 400, "Paramètres invalides : page, page_size."),
        ("date=2031-02-30", 400, "Paramètre invalide : date."),
        ("kind=concert", 400, "Paramètre invalide : kind."),
        ("tour=a%20b", 400, "Paramètre invalide : tour."),
        ("tour=inconnue", 404, "Aucune tournée « inconnue »."),
        ("stop=inconnue", 404, "Aucune étape publiée « inconnue »."),
        ("page=7", 404, "Il n’y a pas de page 7 : la dernière page est la 1."),
    ],
)
def test_bad_input_gets_a_french_json_answer(client, query, status, detail):
    response = client.get(f"/api/v1/sessions?{query}")

    assert response.status_code == status
    assert response.json() == {"detail": french(detail)}


def test_unknown_api_address_is_a_json_404(client, db):
    response = client.get("/api/v2/anything")

    assert response.status_code == 404
    assert response.json() == {"detail": "Adresse introuvable."}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only(client, method):
    stop = StopFactory()

    response = getattr(client, method)(f"/api/v1/stops/{stop.slug}")

    assert response.status_code == 405
    assert Stop.objects.filter(pk=stop.pk).exists()


def test_openapi_describes_every_read(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == [
        "/api/v1/sessions",
        "/api/v1/speakers",
        "/api/v1/speakers/{slug}",
        "/api/v1/stops",
        "/api/v1/stops/{slug}",
        "/api/v1/tours",
        "/api/v1/tours/{slug}",
    ]
    assert {method for path in schema["paths"].values() for method in path} == {"get"}


def test_doc_page_loads_swagger_from_the_site_not_a_cdn(client, db):
    html = client.get("/api/v1/docs/").content.decode()

    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    assert "cdn" not in html.lower()
    assert '"validatorUrl": null' in html


def make_programme(sessions, speakers):
    stop = StopFactory()
    people = SpeakerFactory.create_batch(speakers)
    for index in range(sessions):
        factory = WorkshopFactory if index % 3 == 2 else SessionFactory
        session = factory(stop=stop)
        SessionSpeaker.objects.bulk_create(
            SessionSpeaker(session=session, speaker=people[(index + k) % speakers], order=k)
            for k in range(2)
        )
    return stop


# Cold: the stop filter's check, the count, the page of sessions with their stops, the
# line-ups with their speakers, the speakers' documents. Warm: none, from the cache.
SESSIONS_COLD = 5
SESSIONS_WARM = 0


@pytest.mark.parametrize(("sessions", "speakers"), [(4, 5), (100, 150)])
def test_sessions_list_query_count_does_not_grow(
    client, django_assert_num_queries, sessions, speakers
):
    stop = make_programme(sessions, speakers)
    url = f"/api/v1/sessions?stop={stop.slug}&page_size=100"

    with django_assert_num_queries(SESSIONS_COLD):
        cold = client.get(url)
    with django_assert_num_queries(SESSIONS_WARM):
        warm = client.get(url)

    assert len(cold.json()["results"]) == sessions
    assert cold.content == warm.content


@pytest.mark.parametrize(("stops", "queries"), [(2, 2), (30, 2)])
def test_stops_list_query_count_does_not_grow(client, django_assert_num_queries, stops, queries):
    StopFactory.create_batch(stops)

    with django_assert_num_queries(queries):
        response = client.get("/api/v1/stops?page_size=100")

    assert response.json()["count"] == stops
