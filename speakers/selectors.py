"""Reads for the speakers' area."""

from django.db.models import Prefetch
from django.utils import timezone

from events.models import Session

from .models import SessionDocument, SessionSpeaker


def speaker_line_ups(speaker):
    """The speaker's roles in published stops, in time order, with each session's line-up."""
    return (
        SessionSpeaker.objects.public()
        .filter(speaker=speaker)
        .select_related("session__stop")
        .prefetch_related(
            Prefetch(
                "session__session_speakers",
                queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "pk"),
            )
        )
        .order_by("session__starts_at", "session__pk")
    )


def speaker_slots(speaker, now=None):
    """(upcoming, past): upcoming first in time order; past days most recent first, each
    day's sessions in time order (as the day's programme reads)."""
    now = now or timezone.now()
    line_ups = list(speaker_line_ups(speaker))
    upcoming = [line_up for line_up in line_ups if line_up.session.ends_at >= now]
    past = sorted(
        (line_up for line_up in line_ups if line_up.session.ends_at < now),
        key=lambda line_up: -timezone.localdate(line_up.session.starts_at).toordinal(),
    )  # a stable sort: within a day, the time order of ``line_ups`` stays
    return upcoming, past


def rapporteur_line_up(speaker, session_id):
    """The speaker's rapporteur role in workshop ``session_id`` of a published stop, or None."""
    return (
        SessionSpeaker.objects.public()
        .filter(
            speaker=speaker,
            session_id=session_id,
            role=SessionSpeaker.Role.RAPPORTEUR,
            session__kind=Session.Kind.WORKSHOP,
        )
        .select_related("session__stop")
        .first()
    )


def session_line_up(speaker, session_id):
    """The speaker's role (any) in session ``session_id`` of a published stop, or None."""
    return (
        SessionSpeaker.objects.public()
        .filter(speaker=speaker, session_id=session_id)
        .select_related("session__stop")
        .first()
    )


def speaker_document(speaker, document_id):
    """A document of one of the speaker's sessions (whoever gave it), or None."""
    return (
        SessionDocument.objects.filter(
            pk=document_id,
            session__session_speakers__in=SessionSpeaker.objects.public().filter(speaker=speaker),
        )
        .select_related("session")
        .first()
    )
