"""HTTP caching of the public pages and exports: validators from the content versions.

``@public_page(version_of)`` makes a view's answer cacheable by browsers, a CDN or the reverse
proxy: ``Cache-Control: public, max-age=…, stale-while-revalidate=…``, a weak ``ETag`` and a
``Last-Modified``. Both validators derive from the version counters of ``events.page_cache``
(``version_of(**url_kwargs)`` returns them, e.g. ``versions(SITE)``), so they change exactly
when what the page shows changes. A revalidation (``If-None-Match`` / ``If-Modified-Since``)
whose validators still hold is answered ``304 Not Modified`` before the view runs: nothing is
rendered and no SQL query is made, one round trip to the cache at most.

A page whose wording changes with the clock ("registration opens on …") says until when it
holds by setting ``response.valid_until`` (``cached_page`` does it for the pages it caches);
past that moment the validators are not trusted any more and the view runs again.

What a validator is: the ETag hashes the view, the address, the language and the versions
(and ``valid_until``); ``Last-Modified`` is the moment that ETag was first served, kept in the
shared cache so that every process gives the same. Weak ETags: the gzip and plain bodies are
the same page. Personal pages do not use this: they are ``never_cache`` (``no-store``).
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from functools import wraps

from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

MAX_AGE = 60  # seconds a browser or a CDN serves a page without asking
STALE_WHILE_REVALIDATE = 600  # and then while it asks in the background
VALIDATOR_SECONDS = 24 * 3600
LOCAL_VALIDATORS = 1024

_local = OrderedDict()
_lock = threading.Lock()


def _remember(key, validator):
    with _lock:
        _local[key] = validator
        _local.move_to_end(key)
        while len(_local) > LOCAL_VALIDATORS:
            _local.popitem(last=False)


def _still_valid(validator, now):
    return validator is not None and (validator[2] is None or validator[2] > now)


def _lookup(key, now):
    validator = _local.get(key)
    if not _still_valid(validator, now):
        validator = cache.get(key)
        if not _still_valid(validator, now):
            return None
        _remember(key, validator)  # issued by another process: next time, no round trip
    return validator


def _issue(key, valid_until, now, known):
    """The (etag, last_modified, valid_until) of this page at this version; the first wins."""
    digest = hashlib.sha256(f"{key}:{valid_until}".encode()).hexdigest()[:24]
    etag = f'W/"{digest}"'
    if known is None or known[0] != etag:
        fresh = (etag, int(now.timestamp()), valid_until)
        if known is None and cache.add(key, fresh, VALIDATOR_SECONDS):
            known = fresh
        else:  # another process was first, or the page's wording changed with the clock
            known = cache.get(key) if known is None else None
            if known is None or known[0] != etag:
                known = fresh
                cache.set(key, fresh, VALIDATOR_SECONDS)
        _remember(key, known)
    return known


def _decorate(response, validator, cache_control):
    response["ETag"] = validator[0]
    response["Last-Modified"] = http_date(validator[1])
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _is_conditional(request):
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def public_page(version_of, *, max_age=MAX_AGE):
    """Decorator for a public view; ``version_of(**url_kwargs)`` returns its content versions."""

    cache_control = f"public, max-age={max_age}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"

    def decorator(view):
        label = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            versions = version_of(**kwargs)
            if versions is None:  # the cache is down: no validator, the page is rendered
                return view(request, *args, **kwargs)
            identity = f"{label}:{get_language()}:{request.get_full_path()}:{versions}"
            key = "validator:" + hashlib.sha256(identity.encode()).hexdigest()
            now = timezone.now()
            try:
                validator = _lookup(key, now)
            except Exception:  # noqa: BLE001 - the cache went down: serve without validators
                logger.warning("Validators skipped: the cache is unreachable.", exc_info=True)
                return view(request, *args, **kwargs)
            if validator is not None and _is_conditional(request):
                not_modified = get_conditional_response(
                    request, etag=validator[0], last_modified=validator[1]
                )
                if not_modified is not None:
                    return _decorate(not_modified, validator, cache_control)
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            valid_until = getattr(response, "valid_until", None)
            try:
                validator = _issue(key, valid_until, now, validator)
            except Exception:  # noqa: BLE001 - the cache went down meanwhile
                logger.warning("Validators skipped: the cache is unreachable.", exc_info=True)
                return response
            if _is_conditional(request):
                response = get_conditional_response(
                    request, etag=validator[0], last_modified=validator[1], response=response
                )
            return _decorate(response, validator, cache_control)

        return wrapped

    return decorator
