import contextlib
import time
import types

import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request in English (its cookie) leaves
    English active in the thread, and a later test reading a message outside a request
    (a service's refusal, say) would read it in English."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    from events import http_cache, page_cache

    cache.clear()
    page_cache._local.clear()
    page_cache._recent_versions.clear()
    http_cache._local.clear()
    yield
    cache.clear()
    page_cache._local.clear()
    page_cache._recent_versions.clear()
    http_cache._local.clear()


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """All of a test's submissions fall in one rate-limit window.

    django-ratelimit counts in fixed windows: a test that crossed the end of one (a slow
    machine, forty submissions) saw its count start again, and more answers get through.
    """
    from django_ratelimit import core

    now = time.time()
    monkeypatch.setattr(core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture
def demo_stop(db):
    """The demo tour as `load_demo` loads it; returns the past Montpellier stop."""
    from demo.data import MONTPELLIER_SLUG, load_demo
    from events.models import Stop

    load_demo()
    return Stop.objects.get(slug=MONTPELLIER_SLUG)


# Tasks. The default in tests is the production one, said here explicitly: the database
# queue (django-tasks-db). An enqueued task is a row; nothing runs until a test runs the
# worker (``run_tasks``) or asks for the immediate backend (``immediate_tasks``), which runs
# each task as it is enqueued, inside the caller's transaction.
DATABASE_QUEUE = {"default": {"BACKEND": "background.backends.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _database_task_queue(settings):
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def immediate_tasks(settings, _database_task_queue):
    """Tasks run as they are enqueued: e-mails reach ``mail.outbox`` at once."""
    settings.TASKS = IMMEDIATE


@pytest.fixture
def run_tasks(monkeypatch):
    """Run the queued tasks in this process as ``manage.py db_worker --batch`` does: the
    real worker loop, until no task is ready. Returns how many tasks ran."""
    from django_tasks_db.management.commands import db_worker

    # The worker closes stale connections between tasks; inside a test's transaction the
    # connection is the test's own and must stay open.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        worker = db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks

    return run


@pytest.fixture
def deliver_emails(run_tasks, django_capture_on_commit_callbacks):
    """``with deliver_emails():`` the e-mails the block queues are sent by the worker (those
    queued before the block are not this block's: their tasks are dropped)."""
    from django_tasks_db.models import DBTaskResult

    @contextlib.contextmanager
    def block():
        DBTaskResult.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            yield
        run_tasks()

    return block
