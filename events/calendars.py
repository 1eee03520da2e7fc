"""RFC 5545 calendars of the programme, built with the icalendar library.

The one way every calendar of the site is built (``speakers`` and ``registrations`` use it):
``new_calendar()``, events from ``session_event()`` / ``stop_event()``, then
``calendar_bytes()``, which adds a small time zone definition covering only the events' years.

UIDs are stable (``session-<id>@intercotour``, ``stop-<id>@intercotour``): a subscribed
calendar updates the events it already shows instead of duplicating them.
"""

import datetime
import functools

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vDuration

from .addresses import absolute

# The calendars are written in French: a narrow no-break space before the colon.
COLON = "\u202f: "

# How often subscribed calendars should fetch the feed again (RFC 7986 and its Apple/Outlook
# predecessor): a programme changes a few times a week at most.
REFRESH_INTERVAL = datetime.timedelta(hours=6)


def session_location(session, stop):
    parts = [session.room, stop.venue_name, stop.venue_address.replace("\n", ", ")]
    return ", ".join(part for part in parts if part)


def session_description(session):
    lines = [session.description] if session.description else []
    lines += [
        f"{line_up.get_role_display()}{COLON}{line_up.speaker.full_name}"
        + (f", {line_up.speaker.job_title}" if line_up.speaker.job_title else "")
        + (f", {line_up.speaker.organisation}" if line_up.speaker.organisation else "")
        for line_up in session.session_speakers.all()
    ]
    return "\n".join(lines)


def session_event(session, stop, url):
    event = Event()
    event.add("uid", f"session-{session.pk}@intercotour")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(session.starts_at))
    event.add("dtend", timezone.localtime(session.ends_at))
    event.add("summary", f"{session.title} – {stop.city}")
    _add_text(event, "location", session_location(session, stop))
    _add_text(event, "description", session_description(session))
    event.add("url", url)
    event.add("categories", [str(session.get_kind_display())])
    return event


def stop_event(stop):
    """The whole day of a stop as one event, for the tour's calendar."""
    event = Event()
    event.add("uid", f"stop-{stop.pk}@intercotour")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(stop.date, stop.start_time))
    event.add("dtend", _local(stop.date, stop.end_time))
    event.add("summary", f"IntercoTOUR {stop.city} – {stop.title}")
    address = stop.venue_address.replace("\n", ", ")
    _add_text(event, "location", ", ".join(part for part in [stop.venue_name, address] if part))
    event.add("description", f"{stop.theme}\n{absolute(stop.get_absolute_url())}")
    event.add("url", absolute(stop.get_absolute_url()))
    return event


def _add_text(event, name, value):
    """Empty properties are left out: calendars stay small."""
    if value:
        event.add(name, value)


def _local(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


def new_calendar(name, *, subscription=False):
    """An empty calendar; a ``subscription`` feed also says how often to fetch it again."""
    calendar = Calendar()
    calendar.add("prodid", "-//Les Interconnectés//IntercoTOUR//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if subscription:
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL).to_ical().decode())
    return calendar


def calendar_bytes(calendar):
    """The calendar as RFC 5545 bytes, with the time zones its events use.

    Each time zone is defined for the events' years only (a few hundred bytes for Paris)
    instead of icalendar's default 1970-2038 (several kilobytes of transitions), and without
    icalendar's English ``COMMENT``.
    """
    events = calendar.walk("VEVENT")
    moments = [moment for event in events for moment in (event.start, event.end)]
    years = [moment.year for moment in moments]
    for tzid in sorted(calendar.get_missing_tzids()):
        calendar.subcomponents.insert(0, _timezone(tzid, min(years), max(years)))
    return calendar.to_ical()


@functools.lru_cache(maxsize=32)
def _timezone(tzid, first_year, last_year):
    """A VTIMEZONE with the transitions from 1 January ``first_year`` to the end of ``last_year``.

    Built once per process and years (icalendar computes it by probing the offsets), then
    shared: calendars only serialise it.
    """
    component = Timezone.from_tzid(
        tzid,
        first_date=datetime.date(first_year, 1, 1),
        last_date=datetime.date(last_year + 1, 1, 1),
    )
    component.pop("COMMENT", None)
    return component


def stop_programme_calendar(stop, url):
    """One event per session; ``stop`` comes with its sessions prefetched (``with_calendar``)."""
    calendar = new_calendar(f"IntercoTOUR – {stop.city} – {stop.title}", subscription=True)
    for session in stop.sessions.all():
        calendar.add_component(session_event(session, stop, url))
    return calendar_bytes(calendar)


def session_calendar(session):
    """One session alone, for "add to my calendar"; ``session`` comes with its stop."""
    stop = session.stop
    calendar = new_calendar(f"IntercoTOUR – {stop.city} – {session.title}")
    calendar.add_component(session_event(session, stop, absolute(session.get_absolute_url())))
    return calendar_bytes(calendar)


def tour_calendar(tour, stops):
    """One event per published stop of the tour: the subscription for the whole tour."""
    calendar = new_calendar(tour.name, subscription=True)
    for stop in stops:
        calendar.add_component(stop_event(stop))
    return calendar_bytes(calendar)
