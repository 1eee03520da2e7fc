import datetime
import json
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings

from tests.factories import SessionFactory, StopFactory

# CI lays shared/ beside the clone; so does every developer's workplace.
FRAB_SCHEMAS = Path(settings.BASE_DIR).parent / "shared" / "schemas" / "frab"


def _schemas_or_skip():
    if not (FRAB_SCHEMAS / "schedule.xml.xsd").is_file():
        pytest.skip(f"the shared frab schemas are not at {FRAB_SCHEMAS} (shared/ beside the clone)")
    return FRAB_SCHEMAS


@pytest.fixture(scope="session")
def frab_xml_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(_schemas_or_skip() / "schedule.xml.xsd")))


@pytest.fixture(scope="session")
def frab_json_validator():
    from jsonschema import Draft6Validator

    schema = json.loads((_schemas_or_skip() / "schedule.schema.json").read_text())
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema, format_checker=Draft6Validator.FORMAT_CHECKER)


@pytest.fixture
def large_stop(db):
    """The benchmarks' large day: 3 days, 20 rooms, 200 sessions, 300 speakers."""
    from benchmarks.public_pages import LARGE_SLUG, generate_large_day
    from events.models import Stop

    generate_large_day()
    return Stop.objects.get(slug=LARGE_SLUG)


def give_document(session, title, pages=1):
    """A speaker's PDF for ``session``, as ``speakers.documents.add_document`` stores it."""
    from django.core.files.base import ContentFile

    from speakers.models import SessionDocument

    content = b"%PDF-1.4\n%%EOF\n"
    document = SessionDocument(session=session, title=title, size=len(content), pages=pages)
    document.file.save("document.pdf", ContentFile(content), save=False)
    document.save()
    return document


@pytest.fixture
def upcoming_with_extras(db):
    """A stop in a month whose only session already has a replay link and a document."""
    stop = StopFactory()
    session = SessionFactory(stop=stop, replay_url="https://video.example.org/direct")
    give_document(session, "Support de l’atelier")
    return stop


def before_and_after_the_day(client, stop, url):
    """``url`` read now (and cached until the day ends), then revalidated a minute after the
    end of the day of ``stop``, with the ETag it was given."""
    before = client.get(url)
    after_the_day = stop.ends_at + datetime.timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=after_the_day):
        after = client.get(url, headers={"If-None-Match": before["ETag"]})
    return before, after
