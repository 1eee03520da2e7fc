"""``/readyz/``: whether this instance can serve, service by service, for load balancers.

``/healthz/`` (liveness) stays trivial; readiness asks each service a real question. A check
is a named function returning True when the service answers (or a mapping: ``{"up": bool,
...figures}``), listed by dotted path in the ``READINESS_CHECKS`` setting (the apps add theirs
there: the task queue's is ``background.health.queue_answers``), so that this module imports
no app. The answer is JSON, ``{"database": "up", "cache": "down", "queue": "up", "details":
{"queue": {"oldest_waiting_seconds": 4}}}``, with 200 when every check is up and 503
otherwise. A cache that is down degrades the site
(slower pages, rate limit off) without stopping it, but the operator must know.
"""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers():
    probe = secrets.token_hex(8)
    cache.set("readyz:probe", probe, timeout=10)
    return cache.get("readyz:probe") == probe


def checks():
    return [(name, import_string(path)) for name, path in settings.READINESS_CHECKS]


def _run(name, check):
    """``(up, details)``: details are the figures a check gives beside its answer."""
    try:
        answer = check()
    except Exception:  # noqa: BLE001 - a failing service is the answer, not an error
        logger.warning("Readiness check %s failed.", name, exc_info=True)
        return False, {}
    if isinstance(answer, dict):
        details = dict(answer)
        return bool(details.pop("up", False)), details
    return bool(answer), {}


@never_cache
def readyz(request):
    results, details = {}, {}
    for name, check in checks():
        up, figures = _run(name, check)
        results[name] = "up" if up else "down"
        if figures:
            details[name] = figures
    ready = all(state == "up" for state in results.values())
    body = {**results, "details": details} if details else results
    return JsonResponse(body, status=200 if ready else 503)
