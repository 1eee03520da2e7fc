"""Tasks whose worker died: run again, or given up after a few tries.

django-tasks-db marks a task RUNNING when a worker takes it, and finished when the worker
records the outcome; a worker killed in between (a deploy, the machine gone, out of memory)
leaves it RUNNING for ever, and the work undone: an organisers' message half sent, an e-mail
taken from the queue but never claimed by the outbox. Every task here is idempotent (the
outbox's keys, the archives' status, the link requests' task ids), so running one again
finishes the work without doing any of it twice. A task that keeps losing its worker is shown
as failed after ``TASK_MAX_RUNS`` runs, rather than taking workers down for ever; one lost
more than a day ago is shown as failed too, not run again: its work is out of date (an
organisers' message about a day now over).
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import outbox
from .models import EmailDelivery

DELIVER = outbox.deliver.module_path
# Lost tasks older than this (or than their own limit, plus an hour) are not run again.
STALE_AFTER = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped before it finished, ``TASK_MAX_RUNS`` times."""


def _lost_after(task_path):
    if task_path == DELIVER:
        # A send holds its e-mail at most for the outbox's claim.
        return max(
            outbox.claim_duration() + datetime.timedelta(minutes=1), datetime.timedelta(minutes=5)
        )
    return datetime.timedelta(seconds=settings.TASK_LOST_AFTER)


def _give_up(result, same_run, now, reason):
    if not same_run.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{__name__}.WorkerLost",
        traceback=f"WorkerLost: {reason}\n",
    ):
        return
    if result.task_path == DELIVER:
        # An e-mail its task never claimed would show "waiting" for ever: failed, and the
        # organisers' "send again" starts it anew.
        EmailDelivery.objects.filter(
            pk__in=result.args_kwargs.get("args", [])[:1],
            status=EmailDelivery.Status.QUEUED,
            claimed_until__isnull=True,
        ).update(status=EmailDelivery.Status.FAILED, last_error=outbox.WORKER_STOPPED)


@task()
def requeue_lost_tasks():
    """Scheduled: tasks left running by a dead worker run again; returns how many."""
    now = timezone.now()
    shortest = min(_lost_after(""), _lost_after(DELIVER))
    lost = DBTaskResult.objects.running().filter(started_at__lt=now - shortest)
    count = 0
    for result in lost.order_by("started_at")[:1000]:
        if result.started_at >= now - _lost_after(result.task_path):
            continue
        # Conditional: a task that finished meanwhile is left as it is.
        same_run = DBTaskResult.objects.running().filter(pk=result.pk, started_at=result.started_at)
        stale_after = max(STALE_AFTER, _lost_after(result.task_path) + datetime.timedelta(hours=1))
        if result.started_at < now - stale_after:
            _give_up(result, same_run, now, "its worker stopped long ago; not run again.")
        elif len(result.worker_ids) >= settings.TASK_MAX_RUNS:
            _give_up(
                result,
                same_run,
                now,
                f"the worker running this task stopped before it finished, "
                f"{len(result.worker_ids)} times.",
            )
        else:
            # Due now: the readiness check counts its wait from here, not from its enqueueing.
            count += same_run.update(status=TaskResultStatus.READY, run_after=now)
    return count
