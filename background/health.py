"""The queue's part of the readiness check: can it be read, and is anything stuck in it?"""

import datetime

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

# A task waiting longer than this means no worker is taking tasks: the queue is "down".
QUEUE_MAX_WAIT_SECONDS = getattr(settings, "QUEUE_MAX_WAIT_SECONDS", 300)


def queue_readiness(*, now=None, max_wait=None):
    """``{"queue": "ok"|"down", "oldest_waiting_seconds": N}``, in one query.

    A task waits from its enqueueing, or from its ``run_after`` when deferred (a retry in
    ten minutes is not late). "down" when the queue cannot be read or its oldest task has
    waited more than ``QUEUE_MAX_WAIT_SECONDS`` (default 300: no worker is running).
    """
    now = now or timezone.now()
    max_wait = QUEUE_MAX_WAIT_SECONDS if max_wait is None else max_wait
    not_deferred = Q(run_after=get_date_max())
    try:
        oldest = DBTaskResult.objects.ready().aggregate(
            enqueued=Min("enqueued_at", filter=not_deferred),
            due=Min("run_after", filter=~not_deferred),
        )
    except DatabaseError:
        return {"queue": "down", "oldest_waiting_seconds": None}
    since = min((moment for moment in oldest.values() if moment), default=None)
    waited = max((now - since) // datetime.timedelta(seconds=1), 0) if since else 0
    return {"queue": "ok" if waited <= max_wait else "down", "oldest_waiting_seconds": waited}


def queue_answers():
    """The readiness endpoint's check (``READINESS_CHECKS``): the queue is read and moving;
    with the age of its oldest waiting task, in seconds (null when it cannot be read)."""
    readiness = queue_readiness()
    return {
        "up": readiness["queue"] == "ok",
        "oldest_waiting_seconds": readiness["oldest_waiting_seconds"],
    }
