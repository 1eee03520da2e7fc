"""Writes on the tour's programme."""

import datetime

from django.db import transaction
from django.utils import timezone

from .models import Session, Stop


def _moved(moment, shift):
    """``moment`` moved by whole days, keeping its local wall-clock time across DST."""
    local = timezone.localtime(moment)
    return timezone.make_aware(
        datetime.datetime.combine(local.date() + shift, local.time().replace(tzinfo=None))
    )


@transaction.atomic
def duplicate_stop(*, stop, date, city, slug, region=None, title=None):
    """A new draft stop with ``stop``'s programme skeleton, moved to ``date``.

    Copies time slots, kinds, titles, descriptions, rooms, capacities and partners; not the
    speakers (each stop has its own line-up), contacts, or registrations.
    """
    shift = date - stop.date
    new = Stop.objects.create(
        tour=stop.tour,
        slug=slug,
        status=Stop.Status.DRAFT,
        region=region or stop.region,
        city=city,
        date=date,
        start_time=stop.start_time,
        end_time=stop.end_time,
        theme=stop.theme,
        title=title or stop.title,
        intro="",
        capacity=stop.capacity,
        registration_opens_at=_moved(stop.registration_opens_at, shift),
        registration_closes_at=_moved(stop.registration_closes_at, shift),
        hashtag=stop.hashtag,
    )
    new.partners.set(stop.partners.all())
    Session.objects.bulk_create(
        Session(
            stop=new,
            starts_at=_moved(session.starts_at, shift),
            ends_at=_moved(session.ends_at, shift),
            kind=session.kind,
            title=session.title,
            description=session.description,
            room=session.room,
            in_person_only=session.in_person_only,
            capacity=session.capacity,
        )
        for session in stop.sessions.order_by("starts_at", "pk")
    )
    return new
