"""Schemathesis drives the API from its served OpenAPI description: no server error, and every
answer (200, 400, 404, 405) matches what the description promises."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

# Loaded at collection from the served /api/v1/openapi.json (no database needed for it).
# (schemathesis' lazy `from_fixture` loader does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def test_transaction_kept_open():
    """Like Django's test client: requests must not close the test's database connection."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_matches_its_openapi_description(case, demo_stop, test_transaction_kept_open):
    # Over WSGI nothing decompresses: ask for the plain body (gzip is tested elsewhere).
    case.call_and_validate(headers={"Host": "127.0.0.1", "Accept-Encoding": "identity"})
