"""The queue's readiness: the age of the oldest task waiting."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from background.health import queue_readiness
from background.outbox import deliver, requeue_stalled

pytestmark = pytest.mark.django_db


def test_an_empty_queue_is_ok():
    assert queue_readiness() == {"queue": "ok", "oldest_waiting_seconds": 0}


def test_the_oldest_waiting_task_is_reported_and_too_old_is_down():
    requeue_stalled.enqueue()
    requeue_stalled.enqueue()
    DBTaskResult.objects.filter(pk=DBTaskResult.objects.order_by("enqueued_at").first().pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=90)
    )

    assert queue_readiness() == {"queue": "ok", "oldest_waiting_seconds": 90}
    assert queue_readiness(max_wait=60) == {"queue": "down", "oldest_waiting_seconds": 90}


def test_a_deferred_retry_waits_from_its_time_not_from_its_enqueueing():
    deliver.using(run_after=timezone.now() + datetime.timedelta(minutes=5)).enqueue(1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=1))

    assert queue_readiness()["oldest_waiting_seconds"] == 0


def test_finished_tasks_do_not_count():
    requeue_stalled.enqueue()
    DBTaskResult.objects.update(
        status="SUCCESSFUL", enqueued_at=timezone.now() - datetime.timedelta(hours=1)
    )

    assert queue_readiness() == {"queue": "ok", "oldest_waiting_seconds": 0}


def test_a_queue_that_cannot_be_read_is_down(monkeypatch):
    from django.db import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(DBTaskResult.objects, "ready", broken)

    assert queue_readiness() == {"queue": "down", "oldest_waiting_seconds": None}
