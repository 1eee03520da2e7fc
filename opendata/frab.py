"""A stop's programme in the frab schedule format (XML and JSON), as conference apps read it.

The format is the one of frab, pretalx and the voc/schedule tooling, read by Giggity,
ConfClerk, EventFahrplan and others; the public schemas are in ``shared/schemas/frab/``.
``schedule()`` builds the JSON document once; ``to_xml()`` writes the same data as XML.

Times are in the site's time zone (``settings.TIME_ZONE``, Europe/Paris), with their offset.
GUIDs are UUID 5 over a fixed namespace and the row's primary key: stable across exports and
machines, and they reveal nothing. Persons carry their role in the session (speaker,
moderator, ...): in the JSON as ``role``, in the XML (which has no place for it) in the
event's ``description``, one line per person.
"""

import datetime
import json
import math
import uuid
import xml.etree.ElementTree as ET
from functools import reduce

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .selectors import after_the_day

# Never change: the GUIDs of every published session derive from it.
GUID_NAMESPACE = uuid.UUID("5b0f6c4e-2d8a-4f3e-9a51-7f1c9d3e8a20")
GENERATOR = "IntercoTOUR"
JSON_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"


def guid(kind, *parts):
    """A stable UUID for ``kind`` ("session", "speaker", "room") and the row's identity."""
    return str(uuid.uuid5(GUID_NAMESPACE, ":".join([kind, *map(str, parts)])))


def acronym(stop):
    """frab acronyms allow lowercase letters, digits and underscores (at least 4)."""
    value = stop.slug.lower().replace("-", "_")
    return value if len(value) >= 4 else f"stop_{value}"


def _hours_minutes(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def absolute_url(path):
    """An address on the site, from ``settings.SITE_URL`` (the same whatever the request)."""
    return f"{settings.SITE_URL}{path}"


def _room_name(session, stop):
    return session.room or stop.venue_name or _("Venue")


def _timeslot(sessions):
    """The largest step (at most an hour, at least five minutes) all session times fall on."""
    minutes = [
        value.hour * 60 + value.minute
        for session in sessions
        for value in (timezone.localtime(session.starts_at), timezone.localtime(session.ends_at))
    ]
    step = reduce(math.gcd, minutes, 60) or 60
    return f"00:{max(step, 5):02d}" if step < 60 else "01:00"


def _person(line_up):
    speaker = line_up.speaker
    return {
        "id": speaker.pk,
        "guid": guid("speaker", speaker.pk),
        "name": speaker.full_name,
        "url": absolute_url(speaker.get_absolute_url()),
        "biography": speaker.bio or None,
        "role": line_up.role,
        "role_name": str(line_up.get_role_display()),
    }


def _after_the_day(session, stop, now):
    """The replay (a link) and the speakers' documents (attachments, as slides), once the
    day is over (``selectors.after_the_day``)."""
    replay_url, documents = after_the_day(session, stop, now)
    replay = {"type": "media", "url": replay_url, "title": _("Watch the replay")}
    attachments = [
        {
            "type": "slides",
            "url": absolute_url(document.get_absolute_url()),
            "title": document.title,
        }
        for document in documents
    ]
    return {"links": [replay] if replay_url else [], "attachments": attachments}


def _event(session, stop, prefix, now):
    starts_at = timezone.localtime(session.starts_at)
    line_ups = list(session.session_speakers.all())
    title_slug = slugify(session.title)[:40].strip("-_")
    return {
        "id": session.pk,
        "guid": guid("session", session.pk),
        "date": starts_at.isoformat(),
        "start": starts_at.strftime("%H:%M"),
        "end": timezone.localtime(session.ends_at).isoformat(),
        "duration": _hours_minutes(session.ends_at - session.starts_at),
        "room": _room_name(session, stop),
        "slug": "-".join(filter(None, [prefix, "session", str(session.pk), title_slug])),
        "url": absolute_url(session.get_absolute_url()),
        "title": session.title,
        "subtitle": "",
        "track": str(session.get_kind_display()),
        "type": session.kind,
        "language": "fr",
        "abstract": session.description,
        "description": "\n".join(
            f"{line_up.get_role_display()} : {line_up.speaker.full_name}" for line_up in line_ups
        ),
        "do_not_stream": session.in_person_only,
        "persons": [_person(line_up) for line_up in line_ups],
        **_after_the_day(session, stop, now),
    }


def _day_bounds(stop, date, sessions):
    tz = timezone.get_current_timezone()
    opens = datetime.datetime.combine(date, stop.start_time, tzinfo=tz)
    closes = datetime.datetime.combine(date, stop.end_time, tzinfo=tz)
    starts = [timezone.localtime(s.starts_at) for s in sessions]
    ends = [timezone.localtime(s.ends_at) for s in sessions]
    return min([opens, *starts]), max([closes, *ends])


def schedule(stop, *, version, now=None):
    """The frab JSON document of ``stop`` (sessions, line-ups and documents prefetched).

    Once the day is over (at ``now``), sessions carry their replay and documents.
    """
    now = now or timezone.now()
    sessions = list(stop.sessions.all())
    prefix = acronym(stop)
    by_date = {}
    for session in sessions:
        by_date.setdefault(timezone.localdate(session.starts_at), []).append(session)
    first = min([stop.date, *by_date])
    last = max([stop.date, *by_date])
    room_names = list(dict.fromkeys(_room_name(s, stop) for s in sessions))
    kinds = list(dict.fromkeys((s.kind, str(s.get_kind_display())) for s in sessions))
    tracks = [{"name": name, "slug": kind.replace("_", "-")} for kind, name in kinds]
    all_rooms = [{"name": name, "guid": guid("room", stop.pk, name)} for name in room_names]

    days = []
    for index in range((last - first).days + 1):
        date = first + datetime.timedelta(days=index)
        day_sessions = by_date.get(date, [])
        day_start, day_end = _day_bounds(stop, date, day_sessions)
        rooms = {name: [] for name in room_names}
        for session in day_sessions:
            rooms[_room_name(session, stop)].append(_event(session, stop, prefix, now))
        days.append(
            {
                "index": index + 1,
                "date": date.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": {name: events for name, events in rooms.items() if events},
            }
        )

    return {
        "$schema": JSON_SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {
            # Apps compare versions: the replays and documents arrive when the day ends.
            "version": f"{version}:after" if stop.is_over(now) else version,
            "base_url": absolute_url("/"),
            "url": absolute_url(stop.get_absolute_url()),
            "conference": {
                "acronym": prefix,
                "title": f"{stop.title} – {stop.city}",
                "description": stop.theme,
                "start": first.isoformat(),
                "end": last.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": _timeslot(sessions),
                "time_zone_name": settings.TIME_ZONE,
                "url": absolute_url(stop.get_absolute_url()),
                "tracks": tracks,
                "rooms": all_rooms,
                "days": days,
            },
        },
    }


def to_json(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _text(parent, tag, value, **attributes):
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    element.text = str(value)
    return element


def to_xml(document, *, url):
    """The same schedule as frab XML; ``url`` is the address of the XML file itself."""
    data = document["schedule"]
    conference = data["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", {"name": GENERATOR})
    _text(root, "url", url)
    _text(root, "version", data["version"])
    head = ET.SubElement(root, "conference")
    for tag in ("title", "acronym", "start", "end"):
        _text(head, tag, conference[tag])
    _text(head, "days", conference["daysCount"])
    _text(head, "timeslot_duration", conference["timeslot_duration"])
    _text(head, "base_url", data["base_url"])
    _text(head, "url", conference["url"])
    _text(head, "time_zone_name", conference["time_zone_name"])
    for track in conference["tracks"]:
        _text(head, "track", track["name"], name=track["name"], slug=track["slug"])
    room_guids = {room["name"]: room["guid"] for room in conference["rooms"]}
    for day in conference["days"]:
        day_element = ET.SubElement(
            root,
            "day",
            {
                "index": str(day["index"]),
                "date": day["date"],
                "start": day["day_start"],
                "end": day["day_end"],
            },
        )
        for name, events in day["rooms"].items():
            room = ET.SubElement(day_element, "room", {"name": name, "guid": room_guids[name]})
            for event in events:
                _xml_event(room, event)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")


def _xml_event(room, event):
    element = ET.SubElement(room, "event", {"id": str(event["id"]), "guid": event["guid"]})
    for tag in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        _text(element, tag, event[tag])
    _text(element, "track", event["track"])
    _text(element, "type", event["type"])
    _text(element, "language", event["language"])
    _text(element, "abstract", event["abstract"])
    _text(element, "description", event["description"])
    persons = ET.SubElement(element, "persons")
    for person in event["persons"]:
        _text(persons, "person", person["name"], id=person["id"], guid=person["guid"])
    links = ET.SubElement(element, "links")
    for link in event["links"]:
        _text(links, "link", link["title"], href=link["url"], type=link["type"])
    if event["attachments"]:
        attachments = ET.SubElement(element, "attachments")
        for attachment in event["attachments"]:
            _text(
                attachments,
                "attachment",
                attachment["title"],
                href=attachment["url"],
                type=attachment["type"],
            )
