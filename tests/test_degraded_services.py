"""With the cache down, the public site still works, slower; the readiness probe says so."""

import json
import logging

import pytest
from django.test import override_settings

from events import page_cache
from registrations.models import Registration
from tests.factories import SessionSpeakerFactory, StopFactory, WorkshopFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def stop(db):
    stop = StopFactory(slug="etape-sans-cache", city="Sète", capacity=10)
    SessionSpeakerFactory(session__stop=stop, speaker__last_name="Lamarr")
    return stop


@pytest.fixture
def cache_down():
    # override_settings resets Django's cache handler: `cache` now points at the closed port.
    with override_settings(CACHES=CACHE_DOWN):
        page_cache._last_warning[0] = 0.0
        yield
    page_cache._unbumped.clear()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "Sète"),
        ("/etape-sans-cache/", "Lamarr"),
        ("/intervenants/", "LAMARR"),
        ("/etape-sans-cache/inscription/", "Sète"),
    ],
)
def test_public_pages_are_rendered_without_the_cache(
    client, stop, cache_down, url, expected, caplog
):
    with caplog.at_level(logging.WARNING):
        first = client.get(url)
        second = client.get(url)

    for response in (first, second):
        assert response.status_code == 200
        assert expected in text_of(response)
    if url != "/":  # the home page is not cached at all
        warnings = [r for r in caplog.records if "Cache unreachable" in r.getMessage()]
        assert len(warnings) == 1  # logged once, not once per call


def test_registration_works_without_the_cache_and_the_rate_limit_fails_open(
    client, stop, cache_down, caplog, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(stop=stop, capacity=5)
    slot = f"workshop_{int(workshop.starts_at.timestamp())}"
    data = {
        "first_name": "Hedy",
        "last_name": "Lamarr",
        "email": "hedy@example.org",
        "organisation": "Ville de Sète",
        "job_title": "Ingénieure",
        "category": "local_staff",
        "mode": "in_person",
        slot: str(workshop.pk),
        "website": "",
    }

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/etape-sans-cache/inscription/", data, follow=True)

    assert response.status_code == 200
    registration = Registration.objects.get(email="hedy@example.org")
    assert registration.status == Registration.Status.CONFIRMED
    assert [b.session_id for b in registration.bookings.all()] == [workshop.pk]
    stop.refresh_from_db()
    workshop.refresh_from_db()
    assert (stop.seats_taken, workshop.seats_taken) == (1, 1)
    assert any("Rate limit skipped" in r.getMessage() for r in caplog.records)
    # The seat counter's bump is kept for when the cache answers again.
    assert f"seats:{stop.slug}" in page_cache._unbumped


def test_counter_lost_during_the_outage_is_bumped_when_the_cache_is_back(stop):
    before = page_cache.stop_page_version(stop.slug)
    page_cache._unbumped.add(f"seats:{stop.slug}")

    after = page_cache.stop_page_version(stop.slug)

    assert after != before
    assert not page_cache._unbumped


def test_readiness_reports_every_service_up(client, db):
    response = client.get("/readyz/")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "database": "up",
        "cache": "up",
        "queue": "up",
        "details": {"queue": {"oldest_waiting_seconds": 0}},
    }


def test_readiness_reports_the_cache_down_with_503(client, db, cache_down):
    response = client.get("/readyz/")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "database": "up",
        "cache": "down",
        "queue": "up",
        "details": {"queue": {"oldest_waiting_seconds": 0}},
    }
    assert client.get("/healthz/").content == b"ok"  # liveness stays trivial


def test_readiness_reports_a_queue_no_worker_takes_from_with_503(client, db):
    import datetime

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from background.outbox import requeue_stalled

    requeue_stalled.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=10))

    response = client.get("/readyz/")

    assert response.status_code == 503
    answer = json.loads(response.content)
    assert {name: answer[name] for name in ("database", "cache", "queue")} == {
        "database": "up",
        "cache": "up",
        "queue": "down",
    }
    assert 600 <= answer["details"]["queue"]["oldest_waiting_seconds"] < 660


def readiness_without_its_answer():
    return {"figure": 1}


def test_a_readiness_check_that_gives_figures_but_no_answer_counts_as_down(client, db, settings):
    settings.READINESS_CHECKS = [
        ("odd", "tests.test_degraded_services.readiness_without_its_answer")
    ]

    response = client.get("/readyz/")

    assert response.status_code == 503
    assert json.loads(response.content) == {"odd": "down", "details": {"odd": {"figure": 1}}}
