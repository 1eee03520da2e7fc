"""Reads for the public pages: the current tour, a stop's programme and contacts."""

from itertools import groupby

from django.utils import timezone

from .models import Stop, group_into_slots


def current_tour(today=None):
    """The tour of the next published stop; failing that, the tour of the latest one."""
    today = today or timezone.localdate()
    stop = (
        Stop.objects.published().upcoming(today).select_related("tour").first()
        or Stop.objects.published().order_by("-date").select_related("tour").first()
    )
    return stop.tour if stop else None


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


def published_restitutions(sessions):
    """[(session, restitution)] for the sessions with a published restitution, in time order.

    The ``restitution`` relation is the speakers app's, prefetched by ``with_programme()``.
    """
    found = ((session, getattr(session, "restitution", None)) for session in sessions)
    return [
        (session, restitution)
        for session, restitution in found
        if restitution and restitution.is_published
    ]
