"""A registrant's personal calendar: the day, and their workshops."""

import datetime

from django.utils import timezone
from icalendar import Event

from events.calendars import COLON, calendar_bytes, new_calendar, session_event


def registration_calendar(registration):
    from django.conf import settings

    stop = registration.stop
    url = settings.SITE_URL + stop.get_absolute_url()
    calendar = new_calendar(f"IntercoTOUR – {stop.city}")
    day = Event()
    day.add("uid", f"registration-{registration.pk}-day@intercotour")
    day.add("dtstamp", timezone.now())
    day.add("dtstart", timezone.make_aware(datetime.datetime.combine(stop.date, stop.start_time)))
    day.add("dtend", timezone.make_aware(datetime.datetime.combine(stop.date, stop.end_time)))
    day.add("summary", f"IntercoTOUR {stop.city} – {stop.title}")
    if registration.mode == registration.Mode.ONLINE:
        if stop.online_url:
            day.add("location", stop.online_url)
            day.add("description", f"Suivi en ligne{COLON}{stop.online_url}\nProgramme{COLON}{url}")
        else:
            # No stream link yet: the programme page is no way in, so no location at all.
            day.add(
                "description",
                f"Suivi en ligne{COLON}le lien de la retransmission vous sera envoyé par "
                f"e-mail avant la journée.\nProgramme{COLON}{url}",
            )
    else:
        address = stop.venue_address.replace("\n", ", ")
        day.add("location", ", ".join(part for part in [stop.venue_name, address] if part))
        day.add("description", f"Programme{COLON}{url}")
    day.add("url", url)
    calendar.add_component(day)
    for booking in registration.bookings.select_related("session").filter(status="confirmed"):
        calendar.add_component(session_event(booking.session, stop, url))
    return calendar_bytes(calendar)
