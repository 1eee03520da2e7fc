"""A speaker's sessions as a calendar."""

from django.conf import settings

from events.calendars import calendar_bytes, new_calendar, session_event


def speaker_calendar(speaker, line_ups):
    calendar = new_calendar(f"IntercoTOUR – {speaker.full_name}", subscription=True)
    for line_up in line_ups:
        session = line_up.session
        url = settings.SITE_URL + session.stop.get_absolute_url()
        calendar.add_component(session_event(session, session.stop, url))
    return calendar_bytes(calendar)
