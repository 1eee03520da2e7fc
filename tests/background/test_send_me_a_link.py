"""The "send me a link" forms do the same work for known and unknown addresses."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrations import services
from speakers.models import Speaker
from tests.factories import StopFactory, registration_details

pytestmark = pytest.mark.django_db


def queries_of(client, url, email):
    client.get(url)  # the session and the CSRF cookie, as a browser has them
    token = client.cookies["csrftoken"].value
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"email": email, "website": "", "csrfmiddlewaretoken": token})
    # The statements without their values: the address and the ids differ, nothing else.
    return response, [
        q["sql"].split(" VALUES")[0].split(" WHERE")[0] for q in captured.captured_queries
    ]


@pytest.mark.parametrize(
    ("url", "field"),
    [("/inscription/nouveau-lien/", "registration"), ("/espace-intervenant/", "speaker")],
)
def test_known_and_unknown_addresses_cost_the_same_queries(client, url, field, run_tasks):
    if field == "registration":
        services.register(stop=StopFactory(), **registration_details(email="known@example.org"))
    else:
        Speaker.objects.create(
            first_name="Ada", last_name="Lovelace", slug="ada", email="known@example.org"
        )
    run_tasks()
    mail.outbox.clear()

    known, known_queries = queries_of(client, url, "known@example.org")
    unknown, unknown_queries = queries_of(client, url, "unknown@example.org")

    assert known_queries == unknown_queries  # the same statements, in the same order
    assert [q for q in known_queries if "dbtaskresult" in q] == [
        'INSERT INTO "django_tasks_database_dbtaskresult" ("id", "status", "enqueued_at", '
        '"started_at", "finished_at", "args_kwargs", "priority", "task_path", "worker_ids", '
        '"queue_name", "backend_name", "run_after", "return_value", "exception_class_path", '
        '"traceback")'
    ]  # one task enqueued, whatever the address
    assert known.content.replace(b"known@", b"x@") == unknown.content.replace(b"unknown@", b"x@")
    assert mail.outbox == []  # the request only queued the lookup
    run_tasks()
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
