"""The project's tables carry no index that another one makes useless (PostgreSQL).

Every index is written on every insert: a registration wrote eight, three of which no query
could ever choose (``benchmarks/registration_burst.py``).
"""

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from background.models import EmailDelivery
from registrations.models import Registration
from tests.factories import StopFactory, registration_details

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="index catalogue: PostgreSQL"
)

PROJECT_APPS = ("events", "registrations", "speakers", "background")
# Written on every registration: the hot path of a burst.
REGISTRATION_TABLES = (
    "registrations_registration",
    "registrations_workshopbooking",
    "background_emaildelivery",
)


def project_indexes():
    """``(table, index, unique, columns, operator classes, definition)`` of the plain ones:
    no expression, no condition (those are chosen for what they say, not their columns).
    The tables of the project's models (a many-to-many table is Django's own)."""
    tables = [
        model._meta.db_table for model in apps.get_models() if model._meta.app_label in PROJECT_APPS
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, x.indisunique, x.indkey::text, x.indclass::text,
                   pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND x.indexprs IS NULL AND x.indpred IS NULL
            """,
            [tables],
        )
        return [
            (table, name, unique, columns.split(), classes.split(), definition)
            for table, name, unique, columns, classes, definition in cursor.fetchall()
        ]


@postgresql_only
def test_no_index_is_the_start_of_another_one():
    """An index on (a) is of no use beside one on (a, b): the second serves every query of
    the first, the foreign key checks included."""
    indexes = project_indexes()
    redundant = [
        f"{name} ({table}) is the start of {other}"
        for table, name, unique, columns, classes, _ in indexes
        for other_table, other, _, other_columns, other_classes, _ in indexes
        if other_table == table
        and other != name
        and not unique
        and other_columns[: len(columns)] == columns
        and other_classes[: len(classes)] == classes
        and (len(other_columns) > len(columns) or other < name)
    ]

    assert redundant == []


@postgresql_only
def test_a_registration_writes_no_pattern_index():
    """``LIKE 'abc%'`` indexes (``varchar_pattern_ops``), which Django adds beside a unique
    text column: no query of a key or an address is a ``LIKE``."""
    pattern_indexes = [
        name
        for table, name, *_, definition in project_indexes()
        if table in REGISTRATION_TABLES and "pattern_ops" in definition
    ]

    assert pattern_indexes == []


def test_management_keys_and_email_keys_stay_unique():
    """What ``unique=True`` did, the constraints that replaced it still do."""
    stop = StopFactory()
    details = registration_details()
    first = Registration.objects.create(stop=stop, status="confirmed", **details)
    EmailDelivery.objects.create(
        key="received:1", kind="received", recipient="a@example.org", renderer="x"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            stop=stop,
            status="confirmed",
            **{**details, "email": "other@example.org"},
            management_key=first.management_key,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailDelivery.objects.create(
            key="received:1", kind="received", recipient="b@example.org", renderer="x"
        )

    assert Registration.objects.count() == 1
    assert EmailDelivery.objects.count() == 1
