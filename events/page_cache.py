"""Whole public pages rendered once per content version and served from the cache.

Public pages carry nothing personal (no CSRF token, no user), so a page is the same for every
visitor of one language. A page's cache key holds *version counters* kept in the shared cache:

- ``site``, bumped by every save or delete of what the public pages show (tours, stops,
  sessions, speakers, line-ups, contacts, partners; see ``events.content``);
- ``seats:<stop slug>``, bumped by the registration services whenever a seat is taken or freed.

Every key also holds the release identifier (``intercotour.release``): a deploy never serves
HTML that links static files of the previous release. A bump makes new keys, so a cached page
is never served stale and nothing is deleted by hand.
Content counters are bumped at once and again when the transaction commits: a page rendered
from the old data in between lands under a key nobody asks for any more. Seat counters are
bumped once, at the commit (``seats_changed``). A counter lost from the cache
(eviction, restart) comes back as a fresh, never-used value. The counters must live in a cache
shared by every process (Redis in production): a deploy check says so.

On a hit a page costs no SQL query, and at most one round trip to the cache: the counters
read are kept a second in the process (``VERSIONS_SECONDS``).

**Cache down.** Every cache call here goes through ``_cache_call``: when the cache cannot be
reached, pages are rendered from the database for every request (slower, never wrong, never an
error page) and a warning is logged at most once a minute. A counter that could not be bumped
during the outage is bumped by this process as soon as the cache answers again, so pages cached
before the outage are not served once it is over.
"""

import contextlib
import gzip
import logging
import pickle
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

from intercotour.release import release_id

logger = logging.getLogger(__name__)

PAGE_CACHE_SECONDS = 24 * 3600
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
SITE = "site"
SEATS = "seats"


def _counter_key(name):
    return f"version:{name}"


class CacheUnavailable(Exception):
    """The shared cache did not answer."""


_WARN_EVERY = 60  # seconds between two "cache unreachable" warnings
_last_warning = [0.0]
_unbumped = set()  # counters whose bump was lost while the cache was unreachable


def _cache_call(operation, *args, **kwargs):
    """``cache.<operation>(...)``; a failure raises CacheUnavailable, logged once a minute."""
    try:
        return getattr(cache, operation)(*args, **kwargs)
    except ValueError:  # incr of a missing key: an answer, not a failure
        raise
    except Exception as error:  # noqa: BLE001 - any backend's connection error
        now = time.monotonic()
        if now - _last_warning[0] > _WARN_EVERY:
            _last_warning[0] = now
            logger.warning("Cache unreachable (%s): pages are rendered without it.", error)
        raise CacheUnavailable from error


def _catch_up():
    """Bump the counters whose bump was lost during an outage (cache answering again)."""
    for name in list(_unbumped):
        _increment(name)  # raises CacheUnavailable while the cache is still down
        _unbumped.discard(name)


# What ``versions`` read last, per process, for VERSIONS_SECONDS: a burst of requests for
# the same pages costs one round trip to the cache a second per process, not one each. A
# bump made by this process forgets them at once (its own edits show on its next page); an
# edit made by another process shows here within VERSIONS_SECONDS, far within the minute a
# browser or a CDN may already keep the page (``events.http_cache``). A bump forgets only
# the reads that include its counter: a registration (a seat counter) leaves the programme's.
VERSIONS_SECONDS = 1.0
_recent_versions = {}


def versions(*names):
    """The release and the current values of the named counters, as one string for a key.

    None when the cache cannot be reached: the page is then rendered, not cached.
    """
    recent = _recent_versions.get(names)
    now = time.monotonic()
    if recent is not None and recent[0] > now and not _unbumped:
        counters = recent[1]
    else:
        counters = _read_versions(names)
        if counters is None:
            return None
        _recent_versions[names] = (now + VERSIONS_SECONDS, counters)
    return f"{release_id()}:{counters}"


def _read_versions(names):
    keys = [_counter_key(name) for name in names]
    try:
        _catch_up()
        found = _cache_call("get_many", keys)
        for key in keys:
            if key not in found:
                _cache_call("add", key, time.time_ns(), timeout=None)
                found[key] = _cache_call("get", key)
    except CacheUnavailable:
        return None
    return ":".join(str(found[key]) for key in keys)


def _increment(*names):
    """Increment the counters; one missing from the cache starts from a value never used."""
    keys = [_counter_key(name) for name in names]
    if hasattr(cache, "incr_or_start"):  # all in one round trip (intercotour.cache)
        _cache_call("incr_or_start", keys, time.time_ns())
        return
    for key in keys:
        try:
            _cache_call("incr", key)
        except ValueError:  # not in the cache
            _cache_call("add", key, time.time_ns(), timeout=None)


def _forget_versions(names):
    """Forget the counters read last that include one of ``names``: this process's next
    page reads them again. The others stay: a seat taken does not make the programme's
    counter worth a round trip."""
    bumped = set(names)
    for key in list(_recent_versions):  # a snapshot: other threads may add keys meanwhile
        if bumped.intersection(key):
            _recent_versions.pop(key, None)


def _bump(*names):
    _forget_versions(names)
    try:
        _increment(*names)
    except CacheUnavailable:
        _unbumped.update(names)


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


def _kept(key, build, expired=None):
    """The entry under ``key``: from this process's memory or the shared cache, else
    ``build()`` (stored in both). ``expired(entry)``: an entry found but no longer to serve."""
    entry = _local.get(key) or _cached_entry(key)
    if entry is None or (expired is not None and expired(entry)):
        entry = build()
        with contextlib.suppress(CacheUnavailable):
            _cache_call("set", key, entry, PAGE_CACHE_SECONDS)
    _remember(key, entry)
    return entry


def _page_entry(render):
    html, valid_until = render()
    body = html.encode()
    return (body, gzip.compress(body, compresslevel=6), valid_until)


def cached_page(request, name, version, render):
    """The page ``name`` at ``version`` in the current language.

    ``render()`` returns the page's HTML and the time until which it holds (or None): a page
    whose wording depends on the clock, such as "registration opens on ...", says when.
    The page is compressed once, when rendered, for the browsers that accept gzip (they all
    do); it holds no secret, so compression leaks nothing (BREACH).
    """
    if version is None:  # cache unreachable: render, keep nothing
        body, compressed, _valid_until = _page_entry(render)
        return _response(request, (body, compressed, None))
    now = timezone.now()
    entry = _kept(
        f"page:{name}:{get_language()}:{version}",
        lambda: _page_entry(render),
        expired=lambda entry: entry[2] is not None and entry[2] <= now,
    )
    return _response(request, entry)


def cached_html(name, version, render):
    """The HTML ``render()`` returns for ``name`` at ``version`` in the current language.

    For a page that is the same for everyone but for a few per-request values, rendered with
    markers that the view fills in on each request (``registrations.form_page``).
    """
    if version is None:  # cache unreachable: render, keep nothing
        return render()
    return _kept(f"html:{name}:{get_language()}:{version}", render)


def cached_objects(name, version, load):
    """What ``load()`` returns for ``name`` at ``version`` (model instances, say), read once
    per version by each process; None, when ``load()`` finds nothing, is not kept.

    For rows a view reads on every request but that change only with the content (the
    registration form's stop and workshops). Each call gets its own copies (kept pickled), so
    that a request setting an attribute changes nothing for the others. Kept in this process
    only, not in the shared cache: a pickled model instance belongs to the code that made it.
    """
    if version is None:  # cache unreachable: no version to keep it under
        return load()
    key = f"objects:{name}:{version}"
    entry = _local.get(key)
    if entry is None:
        loaded = load()
        if loaded is None:
            return None
        entry = pickle.dumps(loaded, pickle.HIGHEST_PROTOCOL)
    _remember(key, entry)
    return pickle.loads(entry)  # bytes this process pickled itself


def _cached_entry(key):
    try:
        return _cache_call("get", key)
    except CacheUnavailable:
        return None


def _response(request, entry):
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
    """For the registration services: a seat of ``stop`` was taken or freed.

    The counters are bumped once, when the transaction commits: a page rendered from the old
    counts before then stays under the old key, and no reader of the new key can see counts
    not yet committed. (Content edits bump twice, see ``bump``: a process that dies between
    the commit and the bump must not leave a wrong programme cached for a day; a seat count
    shown late is harmless, every booking checks the seats itself.)
    """
    # SEATS: what shows several stops' seats.
    transaction.on_commit(lambda: _bump(f"seats:{stop.slug}", SEATS))
