"""A registrant's personal calendar: the day, and their workshops."""

import datetime

from django.utils import timezone
from icalendar import Event

from events.calendars import calendar_bytes, new_calendar, session_event


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
            day.add("description", f"Suivi en ligne : {stop.online_url}\nProgramme : {url}")
        else:
            # No stream link yet: the programme page is no way in, so no location at all.
            day.add(
                "description",
                "Suivi en ligne : le lien de la retransmission vous sera envoyé par e-mail "
                f"avant la journée.\nProgramme : {url}",
            )
    else:
        address = stop.venue_address.replace("\n", ", ")
        day.add("location", ", ".join(part for part in [stop.venue_name, address] if part))
        day.add("description", f"Programme : {url}")
    day.add("url", url)
    calendar.add_component(day)
    for booking in registration.bookings.select_related("session").filter(status="confirmed"):
        calendar.add_component(session_event(booking.session, stop, url))
    return calendar_bytes(calendar)
