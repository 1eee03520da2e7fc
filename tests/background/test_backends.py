"""The task queue's backend: django-tasks-db's, its row written out (``background.backends``).

It must write the very row the library writes, so that the library's worker, admin and
results read it as their own, today and after an upgrade of django-tasks-db.
"""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.signals import task_enqueued
from django_tasks_db.backend import DatabaseBackend as LibraryBackend
from django_tasks_db.models import DBTaskResult

from background import outbox
from background.backends import DatabaseBackend
from background.models import EmailDelivery
from intercotour import rows

pytestmark = pytest.mark.django_db
COMPARED = [
    "status",
    "args_kwargs",
    "priority",
    "task_path",
    "worker_ids",
    "queue_name",
    "backend_name",
    "run_after",
    "return_value",
    "exception_class_path",
    "traceback",
    "started_at",
    "finished_at",
]


def test_the_project_queue_is_this_backend():
    from intercotour import settings as project_settings  # not the tests' fixture

    assert project_settings.TASKS["default"]["BACKEND"] == "background.backends.DatabaseBackend"
    assert isinstance(task_backends["default"], DatabaseBackend)
    assert isinstance(task_backends["default"], LibraryBackend)  # its worker takes it


@pytest.mark.parametrize(
    "using",
    [{}, {"priority": 7, "queue_name": "default"}, {"run_after": "later"}],
    ids=["plain", "priority", "deferred"],
)
def test_it_writes_the_row_the_library_writes(using):
    if using.get("run_after") == "later":
        using = {"run_after": timezone.now() + datetime.timedelta(minutes=4)}
    ours = outbox.deliver.using(**using).enqueue(41)
    library = LibraryBackend("default", {})
    theirs = library.enqueue(outbox.deliver.using(**using), (41,), {})

    mine, reference = (DBTaskResult.objects.get(pk=result.id) for result in (ours, theirs))
    assert {name: getattr(mine, name) for name in COMPARED} == {
        name: getattr(reference, name) for name in COMPARED
    }
    assert mine.pk != reference.pk
    assert abs(mine.enqueued_at - reference.enqueued_at) < datetime.timedelta(seconds=5)
    # What enqueue() answers is the row's result, as the library's.
    assert ours.status == theirs.status == "READY"
    assert ours.args == [41]
    assert ours.kwargs == {}
    assert ours.task.func is outbox.deliver.func


def test_enqueueing_still_sends_the_librarys_signal():
    seen = []

    def receiver(sender, task_result, **kwargs):
        seen.append(task_result.id)

    task_enqueued.connect(receiver)
    try:
        result = outbox.deliver.enqueue(5)
    finally:
        task_enqueued.disconnect(receiver)
    assert seen == [result.id]


def test_a_task_enqueued_in_a_rolled_back_transaction_is_gone():
    with transaction.atomic():
        outbox.deliver.enqueue(9)
        transaction.set_rollback(True)
    assert not DBTaskResult.objects.exists()


def test_the_written_out_insert_takes_the_pk_from_the_database_or_the_instance(stop):
    delivery = rows.insert(
        EmailDelivery(key="k:1", kind="k", recipient="a@example.org", renderer="x.y", stop=stop)
    )
    assert delivery.pk is not None
    assert not delivery._state.adding
    assert EmailDelivery.objects.get(pk=delivery.pk).params == {}  # the field's default

    result = DBTaskResult(args_kwargs={"args": [], "kwargs": {}}, task_path="x", backend_name="d")
    result.run_after = timezone.now()
    given = result.pk
    rows.insert(result)
    assert result.pk == given
    assert DBTaskResult.objects.filter(pk=given).exists()


def test_the_written_out_insert_refuses_a_duplicate_as_save_does(stop):
    fields = {"kind": "k", "recipient": "a@example.org", "renderer": "x.y", "stop": stop}
    rows.insert(EmailDelivery(key="same", **fields))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(EmailDelivery(key="same", **fields))
    assert EmailDelivery.objects.filter(key="same").count() == 1
