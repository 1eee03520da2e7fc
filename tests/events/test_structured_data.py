"""schema.org Event data (JSON-LD) and sharing tags on stop pages, as search engines read them."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest

from demo.data import MONTPELLIER_SLUG
from events.models import Session, Stop
from events.structured_data import stop_event
from tests.factories import PartnerFactory, SessionFactory, SessionSpeakerFactory, StopFactory

pytestmark = pytest.mark.django_db

SITE = "https://intercotour.example"
SCHEMA = "https://schema.org/"
# Google's Event rich results: required, then recommended properties.
REQUIRED = {"name", "startDate", "location"}
RECOMMENDED = {
    "endDate", "eventStatus", "eventAttendanceMode", "image", "description", "offers",
    "organizer", "performer",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


class _Head(HTMLParser):
    """Collects the JSON-LD scripts and the meta tags of a page, as a crawler does."""

    def __init__(self):
        super().__init__()
        self.json_ld, self.meta, self.scripts, self._in_json_ld = [], {}, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            self._in_json_ld = attrs.get("type") == "application/ld+json"
            if self._in_json_ld:
                self.json_ld.append("")
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def head_of(response):
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


def event_of(response):
    (data,) = head_of(response).json_ld
    return json.loads(data)


def test_demo_stop_page_event_has_googles_fields_with_the_stops_data(client, demo_stop):
    event = event_of(client.get(f"/{MONTPELLIER_SLUG}/"))

    assert event["@context"] == "https://schema.org"
    assert event["@type"] == "Event"
    assert event.keys() >= REQUIRED | RECOMMENDED
    assert event["name"] == "IntercoTOUR Montpellier – L’IA générative va-t-elle nous remplacer ?"
    assert event["startDate"] == "2023-12-07T08:30:00+01:00"
    assert event["endDate"] == "2023-12-07T17:00:00+01:00"
    assert event["description"] == "Transformation des métiers et IA générative"  # the theme
    assert event["url"] == f"{SITE}/{MONTPELLIER_SLUG}/"
    assert event["eventStatus"] == SCHEMA + "EventScheduled"
    assert event["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    place, online = event["location"]
    assert place == {
        "@type": "Place",
        "name": "Hôtel de Montpellier Méditerranée Métropole",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "50 place Zeus BP 9531",
            "postalCode": "34045",
            "addressLocality": "Montpellier",
            "addressRegion": "Occitanie",
            "addressCountry": "FR",
        },
    }
    # No live stream is printed: online attendance starts from the stop's page.
    assert online == {"@type": "VirtualLocation", "url": f"{SITE}/{MONTPELLIER_SLUG}/"}
    assert event["image"] == [f"{SITE}/static/img/share.png"]
    assert event["offers"] == {
        "@type": "Offer",
        "price": 0,
        "priceCurrency": "EUR",
        "availability": SCHEMA + "Discontinued",  # the day is over
        "url": f"{SITE}/{MONTPELLIER_SLUG}/inscription/",
        "validFrom": demo_stop.registration_opens_at.astimezone(
            datetime.timezone(datetime.timedelta(hours=2))
        ).isoformat(),
    }
    organisers = {partner.name for partner in demo_stop.partners.filter(kind="organiser")}
    assert {organiser["name"] for organiser in event["organizer"]} == organisers


def test_demo_stop_page_event_lists_the_sessions_and_their_speakers(client, demo_stop):
    event = event_of(client.get(f"/{MONTPELLIER_SLUG}/"))

    sessions = list(demo_stop.sessions.order_by("starts_at", "ends_at", "pk"))
    assert [sub["name"] for sub in event["subEvent"]] == [session.title for session in sessions]
    workshop = next(s for s in sessions if s.kind == Session.Kind.WORKSHOP)
    sub = event["subEvent"][sessions.index(workshop)]
    assert sub["url"] == f"{SITE}/{MONTPELLIER_SLUG}/#session-{workshop.pk}"
    assert sub["startDate"] == "2023-12-07T15:00:00+01:00"
    assert sub["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert sub["location"]["name"] == f"{workshop.room}, {demo_stop.venue_name}"
    line_ups = list(workshop.session_speakers.select_related("speaker"))
    assert [p["name"] for p in sub["performer"]] == [lu.speaker.full_name for lu in line_ups]
    speakers = {
        lu.speaker.full_name
        for s in sessions
        for lu in s.session_speakers.select_related("speaker")
    }
    assert sorted(p["name"] for p in event["performer"]) == sorted(speakers)
    first = line_ups[0].speaker
    assert sub["performer"][0]["url"] == f"{SITE}{first.get_absolute_url()}"


@pytest.mark.parametrize(
    ("opens_in_days", "full", "availability"),
    [(-1, False, "InStock"), (-1, True, "LimitedAvailability"), (3, False, "PreOrder")],
)
def test_offer_availability_follows_registration(client, opens_in_days, full, availability):
    from django.utils import timezone

    opens = timezone.now() + datetime.timedelta(days=opens_in_days)
    stop = StopFactory(registration_opens_at=opens, capacity=10, seats_taken=10 if full else 0)

    offer = event_of(client.get(stop.get_absolute_url()))["offers"]

    assert offer["availability"] == SCHEMA + availability
    assert offer["validFrom"] == timezone.localtime(opens).isoformat()


def test_event_status_of_a_cancelled_stop_is_cancelled():
    stop = Stop.objects.with_programme().get(
        pk=SessionFactory(stop=StopFactory(status=Stop.Status.CANCELLED)).stop.pk
    )

    event = stop_event(stop, "closed")

    assert event["eventStatus"] == SCHEMA + "EventCancelled"
    assert {sub["eventStatus"] for sub in event["subEvent"]} == {SCHEMA + "EventCancelled"}


def test_organiser_falls_back_to_the_tour_and_a_stop_without_address_still_has_one(client):
    stop = StopFactory(venue_name="", venue_address="", city="Pau", region="Nouvelle-Aquitaine")
    stop.partners.add(PartnerFactory(kind="partner", name="Un partenaire"))

    event = event_of(client.get(stop.get_absolute_url()))

    assert event["organizer"] == [
        {"@type": "Organization", "name": "Les Interconnectés", "url": f"{SITE}/"}
    ]
    assert event["location"][0] == {
        "@type": "Place",
        "name": "Pau",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Pau",
            "addressRegion": "Nouvelle-Aquitaine",
            "addressCountry": "FR",
        },
    }
    assert "performer" not in event  # nobody on the line-up yet


def test_hostile_titles_cannot_break_out_of_the_json_ld(client):
    hostile = '</script><script>alert("x")</script><!-- & '
    stop = StopFactory(title=hostile, intro=hostile)
    session = SessionFactory(stop=stop, title=hostile, description=hostile)
    SessionSpeakerFactory(session=session, speaker__last_name=hostile)

    response = client.get(stop.get_absolute_url())

    head = head_of(response)
    # Nothing executable but the site's own file (src, not inline); the data block stays data.
    assert [(s.get("type"), s.get("src")) for s in head.scripts] == [
        ("application/ld+json", None),
        (None, "/static/js/form-errors.js"),
    ]
    event = json.loads(head.json_ld[0])
    assert event["name"] == f"IntercoTOUR Montpellier – {hostile}"
    assert event["subEvent"][0]["description"] == hostile
    assert event["subEvent"][0]["performer"][0]["name"].endswith(hostile)
    (script,) = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S
    )
    assert "<" not in script
    assert "&" not in script


def test_stop_page_has_open_graph_and_twitter_card_tags(client):
    stop = StopFactory(city="Pau", title="Données publiques", theme="Open data")

    meta = head_of(client.get(stop.get_absolute_url())).meta

    assert meta["og:title"] == meta["twitter:title"] == "Pau – Données publiques"
    assert meta["og:description"] == "Open data"
    assert meta["og:url"] == f"{SITE}/{stop.slug}/"
    assert meta["og:image"] == meta["twitter:image"] == f"{SITE}/static/img/share.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:locale"] == "fr_FR"
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image:alt"].startswith("IntercoTOUR, journées expert")


def test_home_has_sharing_tags_without_json_ld(client):
    stop = StopFactory()

    head = head_of(client.get("/"))

    assert head.meta["og:title"] == stop.tour.name
    assert head.meta["og:url"] == f"{SITE}/"
    assert head.json_ld == []


def test_json_ld_follows_the_cached_page(client):
    stop = StopFactory(title="Avant")
    client.get(stop.get_absolute_url())

    stop.title = "Après"
    stop.save()

    assert event_of(client.get(stop.get_absolute_url()))["name"].endswith("Après")
