"""Reads for the open data: published stops with their sessions and line-ups."""

from django.db.models import Prefetch

from events.models import Session, Stop
from speakers.models import SessionSpeaker


def line_ups():
    """Each session's line-up in order, with the speakers (one query)."""
    return Prefetch(
        "session_speakers",
        queryset=SessionSpeaker.objects.select_related("speaker").order_by("order", "pk"),
    )


def published_stop_with_sessions(slug):
    """The published stop ``slug`` with its sessions, line-ups and the speakers' documents in
    four queries, or None."""
    sessions = Session.objects.order_by("starts_at", "ends_at", "pk").prefetch_related(
        line_ups(), "documents"
    )
    return (
        Stop.objects.published()
        .select_related("tour")
        .prefetch_related(Prefetch("sessions", queryset=sessions))
        .filter(slug=slug)
        .first()
    )


def after_the_day(session, stop, now):
    """``(replay address or None, documents)`` of ``session``: public once the day of ``stop``
    is over, as on the stop page (before then a document's address answers 404), nothing
    before. ``documents`` prefetched."""
    if not stop.is_over(now):
        return None, []
    return session.replay_url or None, list(session.documents.all())
