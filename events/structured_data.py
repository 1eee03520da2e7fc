"""schema.org ``Event`` data of a stop page, for search engines (JSON-LD).

Built as a dict from the stop and its prefetched programme (``Stop.objects.with_programme()``:
no query of its own), then serialised so that no value can close the ``<script>`` element.
The fields follow Google's Event rich results: required ``name``, ``startDate``, ``location``
with an address; recommended ``endDate``, ``eventStatus``, ``eventAttendanceMode``, ``image``,
``description``, ``offers``, ``organizer``, ``performer``.
"""

import datetime
import json
import re

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from .addresses import absolute

SCHEMA = "https://schema.org/"
SHARE_IMAGE = "img/share.png"

# What a visitor can do about a place, from the registration state shown on the page.
AVAILABILITY = {
    "open": "InStock",
    "full": "LimitedAvailability",  # in person is full; online attendance and waiting lists remain
    "not_open_yet": "PreOrder",
    "closed": "Discontinued",
}

# Characters that could end the script element or start markup, as JSON escapes (the same
# set as Django's ``json_script``).
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_POSTAL_CODE = re.compile(r"\b(\d{5})\b")


def json_ld(data):
    """``data`` as JSON safe to put between ``<script type="application/ld+json">`` tags."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


def stop_event(stop, registration_state):
    url = absolute(stop.get_absolute_url())
    sessions = list(stop.sessions.all())
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": f"{url}#journee",
        "name": f"IntercoTOUR {stop.city} – {stop.title}",
        "description": stop.intro or stop.theme,
        "url": url,
        "inLanguage": "fr",
        "startDate": _moment(stop.date, stop.start_time),
        "endDate": _moment(stop.date, stop.end_time),
        "eventStatus": SCHEMA + _status(stop),
        "eventAttendanceMode": SCHEMA + "MixedEventAttendanceMode",
        "location": [_place(stop), {"@type": "VirtualLocation", "url": stop.online_url or url}],
        "image": [absolute(static(SHARE_IMAGE))],
        "organizer": _organisers(stop),
        "offers": {
            "@type": "Offer",
            "price": 0,
            "priceCurrency": "EUR",
            "availability": SCHEMA + AVAILABILITY.get(registration_state, "Discontinued"),
            "url": absolute(reverse("registrations:register", kwargs={"slug": stop.slug})),
            "validFrom": _iso(stop.registration_opens_at),
        },
        "superEvent": {"@type": "EventSeries", "name": stop.tour.name},
        "performer": _performers(
            line_up for session in sessions for line_up in session.session_speakers.all()
        ),
        "subEvent": [_session_event(session, stop) for session in sessions],
    }
    if not data["performer"]:
        del data["performer"]
    return data


def _session_event(session, stop):
    event = {
        "@type": "Event",
        "@id": absolute(session.get_absolute_url()),
        "name": session.title,
        "url": absolute(session.get_absolute_url()),
        "startDate": _iso(session.starts_at),
        "endDate": _iso(session.ends_at),
        "eventStatus": SCHEMA + _status(stop),
        "eventAttendanceMode": SCHEMA
        + ("OfflineEventAttendanceMode" if session.in_person_only else "MixedEventAttendanceMode"),
        "location": _place(stop, room=session.room),
    }
    if session.description:
        event["description"] = session.description
    performers = _performers(session.session_speakers.all())
    if performers:
        event["performer"] = performers
    return event


def _organisers(stop):
    """The stop's organising partners (prefetched), or failing them the tour's organiser."""
    organisers = [
        {
            "@type": "Organization",
            "name": partner.name,
            **({"url": partner.url} if partner.url else {}),
        }
        for partner in stop.partners.all()
        if partner.kind == partner.Kind.ORGANISER
    ]
    return organisers or [
        {
            "@type": "Organization",
            "name": stop.tour.organiser,
            "url": absolute(reverse("events:home")),
        }
    ]


def _performers(line_ups):
    """Each speaker once, in line-up order."""
    people = {}
    for line_up in line_ups:
        speaker = line_up.speaker
        if speaker.pk in people:
            continue
        person = {
            "@type": "Person",
            "name": speaker.full_name,
            "url": absolute(speaker.get_absolute_url()),
        }
        if speaker.job_title:
            person["jobTitle"] = speaker.job_title
        if speaker.organisation:
            person["affiliation"] = {"@type": "Organization", "name": speaker.organisation}
        people[speaker.pk] = person
    return list(people.values())


def _place(stop, room=""):
    """The venue, its address parsed from the free-text one (street lines, then the town)."""
    lines = [line.strip() for line in stop.venue_address.splitlines() if line.strip()]
    address = {"@type": "PostalAddress", "addressLocality": stop.city}
    street = [line for line in lines if not _POSTAL_CODE.search(line)]
    postal = next((m.group(1) for line in lines if (m := _POSTAL_CODE.search(line))), None)
    if street:
        address["streetAddress"] = ", ".join(street)
    if postal:
        address["postalCode"] = postal
    address["addressRegion"] = stop.region
    address["addressCountry"] = "FR"
    name = ", ".join(part for part in [room, stop.venue_name or stop.city] if part)
    return {"@type": "Place", "name": name, "address": address}


def _status(stop):
    return "EventCancelled" if stop.status == stop.Status.CANCELLED else "EventScheduled"


def _moment(day, time):
    return _iso(timezone.make_aware(datetime.datetime.combine(day, time)))


def _iso(moment):
    """Local time with its UTC offset, e.g. 2023-12-07T08:30:00+01:00."""
    return timezone.localtime(moment).isoformat()
