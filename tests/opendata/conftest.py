import json
from pathlib import Path

import pytest
from django.conf import settings

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
