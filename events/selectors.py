"""Reads for the public pages: the current tour, a stop's page data and its cache version."""

import hashlib
from itertools import groupby

from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from speakers.models import SessionSpeaker, Speaker

from .models import Contact, Partner, Session, Stop, group_into_slots


def current_tour(today=None):
    """The tour of the next published stop; failing that, the tour of the latest one."""
    today = today or timezone.localdate()
    stop = (
        Stop.objects.published().upcoming(today).select_related("tour").first()
        or Stop.objects.published().order_by("-date").select_related("tour").first()
    )
    return stop.tour if stop else None


def _latest_and_count(queryset, group_by):
    """Correlated subqueries: latest ``updated_at`` and number of rows of ``queryset``."""
    grouped = queryset.order_by().values(group_by)
    return (
        Subquery(grouped.annotate(latest=Max("updated_at")).values("latest")[:1]),
        Coalesce(Subquery(grouped.annotate(n=Count("pk")).values("n")[:1]), 0),
    )


def stop_page_queryset():
    """Published stops annotated with what their programme's cache key is built on.

    Any change to the stop, its tour, sessions (booked seats included), line-ups, speakers,
    contacts or partners changes one of these figures, read in the same single query.
    """
    parts = {
        "sessions": (Session.objects.filter(stop=OuterRef("pk")), "stop"),
        "line_ups": (
            SessionSpeaker.objects.filter(session__stop=OuterRef("pk")),
            "session__stop",
        ),
        "speakers": (
            Speaker.objects.filter(session_speakers__session__stop=OuterRef("pk")),
            "session_speakers__session__stop",
        ),
        "stop_contacts": (Contact.objects.filter(stop=OuterRef("pk")), "stop"),
        "tour_contacts": (Contact.objects.filter(tour=OuterRef("tour_id")), "tour"),
        "partners": (Partner.objects.filter(stops=OuterRef("pk")), "stops"),
    }
    annotations = {}
    for name, (queryset, group_by) in parts.items():
        latest, count = _latest_and_count(queryset, group_by)
        annotations[f"version_{name}_latest"] = latest
        annotations[f"version_{name}_count"] = count
    return Stop.objects.published().select_related("tour").annotate(**annotations)


def _digest(*parts):
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def programme_version(stop):
    """A short digest of the stop's content (``stop`` comes from ``stop_page_queryset``)."""
    figures = [value for key, value in sorted(vars(stop).items()) if key.startswith("version_")]
    return _digest(stop.updated_at, stop.seats_taken, stop.tour.updated_at, *figures)


def speakers_version():
    """A digest of what the speakers list shows: speakers, line-ups and stops."""
    figures = []
    for model in (Speaker, SessionSpeaker, Stop):
        row = model.objects.order_by().aggregate(latest=Max("updated_at"), n=Count("pk"))
        figures += [row["latest"], row["n"]]
    return _digest(*figures)


def programme_days(sessions):
    """Time slots grouped by local day: [(date, [TimeSlot, ...]), ...]."""
    slots = group_into_slots(sessions)
    return [
        (day, list(day_slots))
        for day, day_slots in groupby(slots, key=lambda s: timezone.localdate(s.starts_at))
    ]


def stop_contacts(stop):
    """Contacts of the stop itself, then those of its tour (both prefetched)."""
    return list(stop.contacts.all()) + list(stop.tour.contacts.all())
