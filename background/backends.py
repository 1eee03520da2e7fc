"""django-tasks-db's database queue, with the task's row written out.

Every e-mail is a task, enqueued inside the transaction of the change that sends it: a
registration enqueues one. ``DBTaskResult.objects.create()`` cost that registration as much
CPU as its own row (``benchmarks/registration_burst.py``); the row is the same, written by
``intercotour.rows.insert``. The rest (validation, the ``task_enqueued`` signal, the result)
is the library's ``enqueue``.
"""

from django_tasks_db.backend import DatabaseBackend as LibraryDatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

from intercotour import rows


class DatabaseBackend(LibraryDatabaseBackend):
    def _task_to_db_task(self, task, args, kwargs):
        # The library's fields, as its own ``_task_to_db_task`` gives them
        # (tests/background/test_backends.py compares the two rows).
        return rows.insert(
            DBTaskResult(
                id=self._get_id(),
                args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=task.run_after,
                backend_name=self.alias,
            )
        )
