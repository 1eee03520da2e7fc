"""Model rows as the API's public records (see ``schemas``): chosen fields, never personal ones."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .frab import absolute_url, guid
from .selectors import after_the_day


def tour(tour):
    return {
        "slug": tour.slug,
        "name": tour.name,
        "organiser": tour.organiser,
        "intro": tour.intro,
    }


def stop(stop):
    fields = (
        "slug", "title", "theme", "region", "city", "date", "intro",
        "venue_name", "venue_address", "access_public_transport", "access_car",
        "access_from_station", "hashtag",
    )  # fmt: skip
    return {
        **{name: getattr(stop, name) for name in fields},
        "tour": stop.tour.slug,
        "start_time": stop.start_time.strftime("%H:%M"),
        "end_time": stop.end_time.strftime("%H:%M"),
        "time_zone": settings.TIME_ZONE,
        "url": absolute_url(stop.get_absolute_url()),
        "schedule_xml": absolute_url(reverse("opendata:schedule_xml", args=[stop.slug])),
        "schedule_json": absolute_url(reverse("opendata:schedule_json", args=[stop.slug])),
    }


def document(document):
    return {
        "title": document.title,
        "url": absolute_url(document.get_absolute_url()),
        "pages": document.pages,
        "size": document.size,
    }


def _after_the_day(session, now):
    replay_url, documents = after_the_day(session, session.stop, now)
    return {"documents": [document(item) for item in documents], "replay_url": replay_url}


def session(session, now):
    return {
        "id": session.pk,
        "guid": guid("session", session.pk),
        "stop": session.stop.slug,
        "title": session.title,
        "description": session.description,
        "kind": session.kind,
        "kind_name": str(session.get_kind_display()),
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "room": session.room,
        "in_person_only": session.in_person_only,
        "seats": session.capacity if session.is_workshop else None,
        "seats_left": session.seats_left if session.is_workshop else None,
        "speakers": [
            {
                "speaker": line_up.speaker.slug,
                "name": line_up.speaker.full_name,
                "role": line_up.role,
                "role_name": str(line_up.get_role_display()),
            }
            for line_up in session.session_speakers.all()
        ],
        **_after_the_day(session, now),
        "url": absolute_url(session.get_absolute_url()),
    }


def speaker(speaker):
    shown = speaker.photo and speaker.show_photo
    return {
        "slug": speaker.slug,
        "first_name": speaker.first_name,
        "last_name": speaker.last_name,
        "name": speaker.full_name,
        "job_title": speaker.job_title,
        "organisation": speaker.organisation,
        "bio": speaker.bio,
        "photo": absolute_url(speaker.photo.url) if shown else None,
        "url": absolute_url(speaker.get_absolute_url()),
    }
