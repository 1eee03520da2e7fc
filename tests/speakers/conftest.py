import datetime

import pytest
from django.utils import timezone

from speakers import services
from speakers.models import SessionSpeaker
from tests.factories import (
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    StopFactory,
    WorkshopFactory,
)


def sign_in(client, speaker):
    """Sign ``speaker`` in to the speakers' area as the e-mailed link does."""
    client.post(f"/espace-intervenant/connexion/{services.sign_in_token(speaker)}/")
    return client


@pytest.fixture
def past_stop(db):
    """A published day that was three days ago: a plenary, two workshops, the closing."""
    day = timezone.localdate() - datetime.timedelta(days=3)
    stop = StopFactory(
        date=day,
        registration_opens_at=timezone.now() - datetime.timedelta(days=60),
        title="L’IA dans les collectivités",
    )
    SessionFactory(stop=stop, title="Plénière d’ouverture")
    WorkshopFactory(stop=stop, title="IA et aide à la décision")
    WorkshopFactory(stop=stop, title="Former les agents")
    SessionFactory(
        stop=stop,
        kind="closing",
        title="Clôture de la journée",
        starts_at=stop.sessions.workshops().first().ends_at,
        ends_at=stop.sessions.workshops().first().ends_at + datetime.timedelta(minutes=30),
    )
    return stop


@pytest.fixture
def rapporteur(past_stop):
    """Marie Bernard reports on the first workshop, where Paul Dumas speaks."""
    workshop = past_stop.sessions.get(title="IA et aide à la décision")
    speaker = SpeakerFactory(first_name="Marie", last_name="Bernard")
    SessionSpeakerFactory(session=workshop, speaker=speaker, role=SessionSpeaker.Role.RAPPORTEUR)
    SessionSpeakerFactory(
        session=workshop, speaker=SpeakerFactory(first_name="Paul", last_name="Dumas")
    )
    return speaker
