"""RFC 5545 calendars of a stop's programme, built with the icalendar library."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event


def session_location(session, stop):
    parts = [session.room, stop.venue_name, stop.venue_address.replace("\n", ", ")]
    return ", ".join(part for part in parts if part)


def session_description(session):
    lines = [session.description] if session.description else []
    lines += [
        f"{line_up.get_role_display()} : {line_up.speaker.full_name}"
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
    event.add("location", session_location(session, stop))
    event.add("description", session_description(session))
    event.add("url", url)
    event.add("categories", [str(session.get_kind_display())])
    return event


def new_calendar(name):
    calendar = Calendar()
    calendar.add("prodid", "-//Les Interconnectés//IntercoTOUR//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def stop_programme_calendar(stop, url):
    """One event per session; ``stop`` comes with its programme prefetched."""
    calendar = new_calendar(f"IntercoTOUR – {stop.city} – {stop.title}")
    for session in stop.sessions.all():
        calendar.add_component(session_event(session, stop, url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
