"""The Redis cache backend (Django's, reusing its client objects) and the version counters
each process keeps for a second."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache

from events import page_cache
from intercotour.cache import RedisCache

ROOT = Path(__file__).resolve().parent.parent


def redis_answers():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")


def test_a_redis_cache_url_uses_the_project_backend():
    env = {**os.environ, "CACHE_URL": "rediscache://127.0.0.1:6379/5"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    backend = subprocess.run(
        [sys.executable, "-c", "from intercotour import settings; "
         "print(settings.CACHES['default']['BACKEND'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip

    assert backend == "intercotour.cache.RedisCache"


@needs_redis
def test_the_backend_works_and_makes_one_client_per_pool():
    backend = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "backend-test"})
    backend.clear()

    backend.set("answer", 41)
    assert backend.incr("answer") == 42
    assert backend.get_many(["answer", "missing"]) == {"answer": 42}
    assert backend.add("answer", 0) is False
    clients = [backend._cache.get_client(write=write) for write in (True, False) * 3]
    assert all(client is clients[0] for client in clients)  # one server: one client, made once
    backend.clear()


@needs_redis
def test_counters_are_incremented_in_one_round_trip():
    backend = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "backend-test"})
    backend.clear()
    backend.set("seen", 7, timeout=None)
    client = backend._cache.get_client(write=True)
    one_by_one = AssertionError("a command sent on its own")

    with mock.patch.object(type(client), "execute_command", side_effect=one_by_one):
        backend.incr_or_start(["seen", "new"], 1000)

    assert backend.get_many(["seen", "new"]) == {"seen": 8, "new": 1001}
    assert client.ttl(backend.make_key("new")) == -1  # a counter does not expire
    assert backend.incr("new") == 1002  # still a number for Django's own calls
    backend.clear()


def test_an_edit_in_another_process_shows_within_a_second(db):
    before = page_cache.versions(page_cache.SITE)
    cache.incr("version:site")  # what a bump by another process does to the shared cache
    soon = page_cache.versions(page_cache.SITE)
    later_clock = page_cache.time.monotonic() + page_cache.VERSIONS_SECONDS + 0.1
    with mock.patch.object(page_cache.time, "monotonic", return_value=later_clock):
        later = page_cache.versions(page_cache.SITE)

    assert soon == before  # kept a second in this process
    assert later != before


def test_an_edit_in_this_process_shows_at_once(db):
    before = page_cache.versions(page_cache.SITE)
    page_cache.bump(page_cache.SITE)

    assert page_cache.versions(page_cache.SITE) != before


def test_a_seat_taken_in_this_process_forgets_the_seat_counters_only(db):
    """A registration bumps its stop's seat counters: the pages that show seats are read
    afresh at once, the programme's counter is kept (no round trip to the cache for it)."""
    programme = page_cache.versions(page_cache.SITE)
    seats = page_cache.versions(page_cache.SITE, "seats:lyon")
    page_cache._bump("seats:lyon", page_cache.SEATS)

    with mock.patch.object(page_cache, "_read_versions", wraps=page_cache._read_versions) as read:
        assert page_cache.versions(page_cache.SITE) == programme
        assert read.call_count == 0
        assert page_cache.versions(page_cache.SITE, "seats:lyon") != seats
        assert read.call_count == 1
