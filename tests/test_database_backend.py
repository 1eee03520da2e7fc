"""The PostgreSQL backend's health check (``intercotour.postgresql``): a connection that has
just served a request is trusted; one idle for longer, or after an error, is checked first.

Each test drives its own connection (a copy of the test database's) as a WSGI server does:
``close_if_unusable_or_obsolete`` as a request starts and ends (Django's
``close_old_connections``), queries in between. The test client cannot show this: it keeps
the connection open across requests on purpose.
"""

import time
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the PostgreSQL backend's health check"
    ),
]


@pytest.fixture
def server_connection():
    """A persistent connection with health checks, as in production (settings.py)."""
    conn = connection.copy()
    conn.settings_dict = {**conn.settings_dict, "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}
    yield conn
    conn.close()


def request(conn, sql="SELECT pg_backend_pid()"):
    """One request: what it read, or the error it ended with (a 500)."""
    conn.close_if_unusable_or_obsolete()  # request_started
    try:
        if sql is None:
            return None
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    except DatabaseError as error:
        return error
    finally:
        conn.close_if_unusable_or_obsolete()  # request_finished


def kill(conn_pid):
    with connection.cursor() as cursor:  # the test's own connection
        cursor.execute("SELECT pg_terminate_backend(%s)", [conn_pid])


def test_the_settings_use_the_projects_backend():
    assert connection.settings_dict["ENGINE"] == "intercotour.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_connection_that_just_answered_is_not_checked_again(server_connection):
    pid = request(server_connection)
    with mock.patch.object(
        server_connection, "is_usable", wraps=server_connection.is_usable
    ) as check:
        assert request(server_connection) == pid
        assert request(server_connection) == pid
    assert check.call_count == 0


def test_a_connection_idle_for_longer_is_checked_and_replaced_when_dead(server_connection):
    server_connection.settings_dict["HEALTH_CHECK_AFTER"] = 0  # every request is "later"
    pid = request(server_connection)
    kill(pid)
    with mock.patch.object(
        server_connection, "is_usable", wraps=server_connection.is_usable
    ) as check:
        new_pid = request(server_connection)
    assert check.call_count == 1
    assert isinstance(new_pid, int)
    assert new_pid != pid


def test_a_dead_connection_fails_one_request_at_most_then_reconnects(server_connection):
    """The price of trusting a connection for a second: the server closed it meanwhile
    (a restart), the next request fails, the one after reconnects."""
    pid = request(server_connection)
    kill(pid)
    assert isinstance(request(server_connection), OperationalError)
    new_pid = request(server_connection)
    assert isinstance(new_pid, int)
    assert new_pid != pid


def test_a_request_without_a_query_does_not_vouch_for_the_connection(server_connection):
    pid = request(server_connection)
    server_connection.answered_at -= 60  # the last query was a minute ago
    request(server_connection, sql=None)  # a page served from the cache, say
    kill(pid)
    new_pid = request(server_connection)  # checked, so replaced: no error
    assert isinstance(new_pid, int)
    assert new_pid != pid


def test_a_request_that_failed_on_the_database_does_not_vouch_for_it(server_connection):
    request(server_connection)
    server_connection.answered_at -= 60
    assert isinstance(request(server_connection, "SELECT * FROM no_such_table"), DatabaseError)
    assert server_connection.answered_at < time.monotonic() - 30  # not stamped by it


@pytest.fixture
def clock(monkeypatch):
    """The backend's clock, moved by hand: ``clock[0] += 60`` is a minute of idleness."""
    from intercotour.postgresql import base as backend

    now = [1000.0]
    monkeypatch.setattr(backend, "time", SimpleNamespace(monotonic=lambda: now[0]))
    return now


def test_the_request_after_a_failed_one_checks_the_connection_when_it_idled(
    server_connection, clock
):
    pid = request(server_connection)
    failed = request(server_connection, "SELECT * FROM no_such_table")
    clock[0] += 60
    kill(pid)  # the server dropped it while it idled

    new_pid = request(server_connection)  # checked, so replaced: no error

    assert isinstance(failed, DatabaseError)
    assert isinstance(new_pid, int)
    assert new_pid != pid


def test_a_connection_last_used_outside_a_request_is_checked_by_the_first_one(
    server_connection, clock
):
    """Startup code, a management command: a query outside any request, then idleness."""
    with server_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    clock[0] += 60
    kill(pid)

    new_pid = request(server_connection)

    assert isinstance(new_pid, int)
    assert new_pid != pid


def test_a_failed_request_does_not_vouch_at_the_next_ones_start(server_connection, clock):
    request(server_connection)
    request(server_connection, "SELECT * FROM no_such_table")  # checked at its end, alive
    clock[0] += 60
    server_connection.close_if_unusable_or_obsolete()  # the next request starts

    assert server_connection.answered_at == 1000.0  # still the last good request's
