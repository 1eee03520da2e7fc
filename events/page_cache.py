"""Whole public pages rendered once per content version and served from the cache.

Public pages carry nothing personal (no CSRF token, no user), so a page is the same for every
visitor of one language. A page's cache key holds *version counters* kept in the shared cache:

- ``site``, bumped by every save or delete of what the public pages show (tours, stops,
  sessions, speakers, line-ups, contacts, partners; see ``events.content``);
- ``seats:<stop slug>``, bumped by the registration services whenever a seat is taken or freed.

A bump makes new keys, so a cached page is never served stale and nothing is deleted by hand.
Counters are bumped at once and again when the transaction commits: a page rendered from the
old data in between lands under a key nobody asks for any more. A counter lost from the cache
(eviction, restart) comes back as a fresh, never-used value. The counters must live in a cache
shared by every process (Redis in production): a deploy check says so.

On a hit a page costs one round trip to the cache and no SQL query.
"""

import gzip
import re
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

PAGE_CACHE_SECONDS = 24 * 3600
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SITE = "site"
SEATS = "seats"


def _counter_key(name):
    return f"version:{name}"


def versions(*names):
    """The current values of the named counters, as one string for a cache key."""
    keys = [_counter_key(name) for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return ":".join(str(found[key]) for key in keys)


def _bump(name):
    key = _counter_key(name)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: start from a value never used before
        cache.add(key, time.time_ns(), timeout=None)


def bump(name):
    """Bump counter ``name`` now, and again once the current transaction commits."""
    _bump(name)
    transaction.on_commit(lambda: _bump(name))


# Versioned keys never go stale, so each process also keeps the latest pages in memory and
# skips the round trip to the shared cache for them.
_local = OrderedDict()
LOCAL_PAGES = 256


_local_lock = threading.Lock()


def _remember(key, entry):
    with _local_lock:  # threaded servers share it
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def cached_page(request, name, version, render):
    """The page ``name`` at ``version`` in the current language.

    ``render()`` returns the page's HTML and the time until which it holds (or None): a page
    whose wording depends on the clock, such as "registration opens on ...", says when.
    The page is compressed once, when rendered, for the browsers that accept gzip (they all
    do); it holds no secret, so compression leaks nothing (BREACH).
    """
    key = f"page:{name}:{get_language()}:{version}"
    now = timezone.now()
    entry = _local.get(key) or cache.get(key)
    if entry is None or (entry[2] is not None and entry[2] <= now):
        html, valid_until = render()
        body = html.encode()
        entry = (body, gzip.compress(body, compresslevel=6), valid_until)
        cache.set(key, entry, PAGE_CACHE_SECONDS)
    _remember(key, entry)
    if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(entry[1])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(entry[0])
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Encoding",))
    response.valid_until = entry[2]  # for the HTTP validators (events.http_cache)
    return response


def stop_page_version(slug):
    return versions(SITE, f"seats:{slug}")


def seats_changed(stop):
    """For the registration services: a seat of ``stop`` was taken or freed."""
    bump(f"seats:{stop.slug}")
    bump(SEATS)  # for what shows the seats of several stops (the API's sessions)
