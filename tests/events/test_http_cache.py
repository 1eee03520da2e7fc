"""HTTP caching: public pages are cacheable and revalidate with a 304 made without rendering;
validators change exactly when the content (or the clock-driven wording) changes; personal
pages are never stored."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from registrations import services
from tests.factories import SessionSpeakerFactory, StopFactory, WorkshopFactory
from tests.factories import registration_details as details
from tests.pages import text_of

pytestmark = pytest.mark.django_db

PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=600"


def public_urls(stop, speaker):
    return [
        "/",
        f"/{stop.slug}/",
        f"/{stop.slug}/programme.ics",
        f"/{stop.slug}/schedule.xml",
        f"/{stop.slug}/schedule.json",
        "/accessibilite/",
        "/confidentialite/",
        "/intervenants/",
        f"/intervenants/{speaker.slug}/",
        "/api/v1/sessions",
        f"/api/v1/stops/{stop.slug}",
    ]


@pytest.fixture
def site():
    stop = StopFactory()
    line_up = SessionSpeakerFactory(session=WorkshopFactory(stop=stop))
    return public_urls(stop, line_up.speaker)


def test_public_pages_are_cacheable_with_validators(client, site):
    for url in site:
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["Cache-Control"] == PUBLIC_CACHE, url
        assert response["ETag"].startswith('W/"'), url
        assert response["Last-Modified"].endswith(" GMT"), url
        assert "Accept-Encoding" in response["Vary"], url
        assert "Cookie" in response["Vary"], url  # the language is the visitor's cookie


def test_revalidation_is_a_304_without_rendering_or_sql(client, site, django_assert_num_queries):
    etags = {url: client.get(url)["ETag"] for url in site}

    with (
        mock.patch("django.template.loader.get_template", side_effect=AssertionError),
        mock.patch("django.shortcuts.render", side_effect=AssertionError),
        django_assert_num_queries(0),
    ):
        answers = {url: client.get(url, headers={"If-None-Match": etags[url]}) for url in site}

    for url, response in answers.items():
        assert response.status_code == 304, url
        assert response.content == b"", url
        assert response["ETag"] == etags[url], url
        assert response["Cache-Control"] == PUBLIC_CACHE, url


def test_if_modified_since_is_a_304_too(client, site):
    for url in site:
        last_modified = client.get(url)["Last-Modified"]

        response = client.get(url, headers={"If-Modified-Since": last_modified})

        assert response.status_code == 304, url


def test_an_edit_changes_every_validator_and_the_page(client):
    stop = StopFactory(title="Avant")
    url = f"/{stop.slug}/"
    etag = client.get(url)["ETag"]

    stop.title = "Après"
    stop.save()
    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Après" in response.content.decode()


def test_a_seat_taken_changes_the_stop_page_validator(client, django_capture_on_commit_callbacks):
    stop = StopFactory()
    workshop = WorkshopFactory(stop=stop)
    etag = client.get(f"/{stop.slug}/")["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        services.register(stop=stop, **details(), workshops=[workshop])
    response = client.get(f"/{stop.slug}/", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_validators_expire_when_the_wording_changes_with_the_clock(client):
    opens = timezone.now() + datetime.timedelta(hours=2)
    stop = StopFactory(registration_opens_at=opens)
    first = client.get(f"/{stop.slug}/")
    assert "Ouverture des inscriptions le" in text_of(first)

    later = opens + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client.get(f"/{stop.slug}/", headers={"If-None-Match": first["ETag"]})

    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    assert "Ouverture des inscriptions le" not in text_of(response)
    assert f'href="/{stop.slug}/inscription/"' in response.content.decode()


def test_home_validator_expires_when_a_registration_opens(client):
    opens = timezone.now() + datetime.timedelta(hours=2)
    StopFactory(registration_opens_at=opens)
    etag = client.get("/")["ETag"]

    with mock.patch("django.utils.timezone.now", return_value=opens + datetime.timedelta(1)):
        response = client.get("/", headers={"If-None-Match": etag})

    assert response.status_code == 200


def test_validators_differ_by_language(client, db):
    french = client.get("/accessibilite/")
    client.cookies["django_language"] = "en"
    english = client.get("/accessibilite/", headers={"If-None-Match": french["ETag"]})

    assert english.status_code == 200
    assert english["ETag"] != french["ETag"]
    assert english["Content-Language"] == "en"


def test_errors_are_not_publicly_cached(client, db):
    response = client.get("/api/v1/stops/inconnue")

    assert response.status_code == 404
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    ["/espace-intervenant/", "/inscription/nouveau-lien/", "/{slug}/inscription/"],
)
def test_personal_pages_are_never_stored(client, url):
    stop = StopFactory()

    response = client.get(url.format(slug=stop.slug))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "ETag" not in response
