"""Tasks whose worker died: run again, or given up after a few tries.

django-tasks-db marks a task RUNNING when a worker takes it, and finished when the worker
records the outcome; a worker killed in between (a deploy, the machine gone, out of memory)
leaves it RUNNING for ever, and the work undone: an organisers' message half sent, an e-mail
taken from the queue but never claimed by the outbox. Every task here is idempotent (the
outbox's keys, the archives' status), so running one again finishes the work without doing
any of it twice. A task that keeps losing its worker is shown as failed after
``TASK_MAX_RUNS`` runs, rather than taking workers down for ever.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

# A send holds its e-mail at most EMAIL_TIMEOUT × 3 + 60 s: after five minutes, it is lost.
LOST_AFTER = {"background.outbox.deliver": datetime.timedelta(minutes=5)}


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped before it finished, ``TASK_MAX_RUNS`` times."""


def _lost_after(task_path):
    return LOST_AFTER.get(task_path, datetime.timedelta(seconds=settings.TASK_LOST_AFTER))


@task()
def requeue_lost_tasks():
    """Scheduled: tasks left running by a dead worker run again; returns how many."""
    now = timezone.now()
    shortest = min([_lost_after(""), *LOST_AFTER.values()])
    lost = DBTaskResult.objects.running().filter(started_at__lt=now - shortest)
    count = 0
    for result in lost.order_by("started_at")[:1000]:
        if result.started_at >= now - _lost_after(result.task_path):
            continue
        # Conditional: a task that finished meanwhile is left as it is.
        same_run = DBTaskResult.objects.running().filter(pk=result.pk, started_at=result.started_at)
        if len(result.worker_ids) >= settings.TASK_MAX_RUNS:
            same_run.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=(
                    f"WorkerLost: the worker running this task stopped before it finished, "
                    f"{len(result.worker_ids)} times.\n"
                ),
            )
        else:
            count += same_run.update(status=TaskResultStatus.READY)
    return count
