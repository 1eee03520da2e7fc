"""Calendar subscriptions (tour, stop), "add to my calendar" per session, small time zones."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from demo.data import MONTPELLIER_SLUG
from events.calendars import new_calendar, session_event
from events.models import Session, Stop
from tests.factories import SessionFactory, SessionSpeakerFactory, StopFactory, TourFactory, at
from tests.pages import text_of

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SITE = "https://intercotour.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def uids(calendar):
    return [str(event["uid"]) for event in calendar.walk("VEVENT")]


# --- The whole tour ---------------------------------------------------------------------


def test_tour_feed_has_one_event_per_published_stop_with_stable_uids(client):
    tour = TourFactory(name="IntercoTOUR 2031")
    first = StopFactory(tour=tour, city="Pau", date=datetime.date(2031, 3, 4))
    second = StopFactory(tour=tour, city="Lille", date=datetime.date(2031, 7, 8))
    StopFactory(tour=tour, status=Stop.Status.DRAFT, title="Brouillon secret")
    StopFactory(tour=tour, status=Stop.Status.CANCELLED, title="Annulée secrète")

    calendar = parse(client.get(f"/tournee/{tour.slug}/programme.ics"))

    assert str(calendar["x-wr-calname"]) == "IntercoTOUR 2031"
    assert uids(calendar) == [f"stop-{first.pk}@intercotour", f"stop-{second.pk}@intercotour"]
    pau, lille = calendar.walk("VEVENT")
    assert str(pau["summary"]) == f"IntercoTOUR Pau – {first.title}"
    assert pau.decoded("dtstart") == datetime.datetime(2031, 3, 4, 8, 30, tzinfo=PARIS)
    assert lille.decoded("dtend") == datetime.datetime(2031, 7, 8, 17, 0, tzinfo=PARIS)
    assert str(pau["location"]) == "Hôtel de Métropole, 50 place Zeus, 34045 Montpellier"
    assert str(pau["url"]) == f"{SITE}{first.get_absolute_url()}"
    assert b"secr" not in client.get(f"/tournee/{tour.slug}/programme.ics").content


def test_tour_feed_follows_the_programme(client):
    stop = StopFactory(city="Pau")
    url = f"/tournee/{stop.tour.slug}/programme.ics"
    before = parse(client.get(url))

    stop.city = "Bayonne"
    stop.save()
    added = StopFactory(tour=stop.tour)
    after = parse(client.get(url))

    assert uids(after) == uids(before) + [f"stop-{added.pk}@intercotour"]
    assert str(after.walk("VEVENT")[0]["summary"]).startswith("IntercoTOUR Bayonne")


def test_feeds_ask_subscribed_calendars_to_refresh(client):
    stop = SessionFactory().stop

    for url in [
        f"/tournee/{stop.tour.slug}/programme.ics",
        f"{stop.get_absolute_url()}programme.ics",
    ]:
        body = client.get(url).content.decode()
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body, url
        assert "X-PUBLISHED-TTL:PT6H\r\n" in body, url


@pytest.mark.parametrize("slug", ["tournee-inconnue", "only-drafts"])
def test_tour_feed_of_an_unknown_or_unpublished_tour_is_not_found(client, slug):
    StopFactory(tour=TourFactory(slug="only-drafts", name="Tournée secrète"), status="draft")

    response = client.get(f"/tournee/{slug}/programme.ics")

    assert response.status_code == 404
    assert "Tournée secrète" not in response.text
    assert "Page introuvable" in text_of(response)


# --- One session --------------------------------------------------------------------------


def test_session_calendar_holds_the_session_with_the_programme_uid(client, demo_stop):
    workshop = demo_stop.sessions.get(title__contains="qui commande")

    calendar = parse(client.get(f"/{MONTPELLIER_SLUG}/programme/{workshop.pk}.ics"))
    programme = parse(client.get(f"/{MONTPELLIER_SLUG}/programme.ics"))

    (event,) = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"session-{workshop.pk}@intercotour"
    assert str(event["uid"]) in uids(programme)
    assert str(event["summary"]) == f"{workshop.title} – Montpellier"
    assert event.decoded("dtend") == datetime.datetime(2023, 12, 7, 16, 30, tzinfo=PARIS)
    assert str(event["location"]).startswith("Atelier A, Hôtel de Montpellier")
    assert str(event["url"]) == f"{SITE}/{MONTPELLIER_SLUG}/#session-{workshop.pk}"
    line_up = workshop.session_speakers.first()
    assert line_up.speaker.full_name in str(event["description"])


@pytest.mark.parametrize("case", ["other_stop", "draft_stop", "unknown", "not_a_number"])
def test_session_calendar_answers_404_to_a_bad_address(client, case):
    session = SessionFactory(title="Séance secrète")
    other = StopFactory()
    draft = SessionFactory(stop=StopFactory(status=Stop.Status.DRAFT), title="Séance secrète")
    url = {
        "other_stop": f"/{other.slug}/programme/{session.pk}.ics",
        "draft_stop": f"/{draft.stop.slug}/programme/{draft.pk}.ics",
        "unknown": f"/{session.stop.slug}/programme/999999.ics",
        "not_a_number": f"/{session.stop.slug}/programme/1%27%20OR%201=1.ics",
    }[case]

    response = client.get(url)

    assert response.status_code == 404
    assert "Séance secrète" not in response.text


# --- On the pages -------------------------------------------------------------------------


def test_home_offers_the_tours_webcal_subscription_that_serves_the_feed(client):
    stop = StopFactory()

    response = client.get("/")

    path = f"/tournee/{stop.tour.slug}/programme.ics"
    assert f'href="webcal://intercotour.example{path}"' in response.text
    assert f"{SITE}{path}" in text_of(response)
    assert "S’abonner à l’agenda de la tournée" in text_of(response)
    assert uids(parse(client.get(path))) == [f"stop-{stop.pk}@intercotour"]


def test_stop_page_offers_the_webcal_subscription_and_a_calendar_per_session(client):
    stop = StopFactory()
    talk = SessionFactory(stop=stop, title="Conférence")
    lunch = SessionFactory(stop=stop, kind=Session.Kind.BREAK, title="Déjeuner")

    response = client.get(stop.get_absolute_url())

    assert f'href="webcal://intercotour.example/{stop.slug}/programme.ics"' in response.text
    assert "S’abonner au programme de cette journée" in text_of(response)
    links = re.findall(r'href="(/[^"]+/programme/\d+\.ics)"', response.text)
    assert links == [f"/{stop.slug}/programme/{talk.pk}.ics"]  # not for the lunch break
    assert "Ajouter à mon agenda – Conférence (.ics)" in text_of(response)
    assert f"/programme/{lunch.pk}.ics" not in response.text
    assert uids(parse(client.get(links[0]))) == [f"session-{talk.pk}@intercotour"]


# --- Small calendars ----------------------------------------------------------------------


def vtimezone(body):
    return re.search(rb"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", body, re.S).group(0)


def test_calendars_carry_a_small_paris_time_zone_for_their_years_only(client, demo_stop):
    session = demo_stop.sessions.all()[0]
    old_way = new_calendar("avant")
    old_way.add_component(session_event(session, demo_stop, "https://x/"))
    old_way.add_missing_timezones()  # icalendar's default: 1970 to 2038
    before = old_way.to_ical()

    after = client.get(f"/{MONTPELLIER_SLUG}/programme/{session.pk}.ics").content

    print(f"calendar of one session: {len(before)} bytes before, {len(after)} after")
    assert len(vtimezone(before)) > 2000
    assert len(vtimezone(after)) < 500
    assert len(after) < len(before) - 1500
    assert b"COMMENT" not in after
    zone = Calendar.from_ical(after).walk("VTIMEZONE")[0]
    assert str(zone["tzid"]) == "Europe/Paris"
    changes = sorted(
        (part.name, part.decoded("dtstart"), part.decoded("tzoffsetto"))
        for part in zone.subcomponents
    )
    one_hour, two_hours = datetime.timedelta(hours=1), datetime.timedelta(hours=2)
    assert changes == [
        ("DAYLIGHT", datetime.datetime(2023, 3, 26, 3, 0), two_hours),
        ("STANDARD", datetime.datetime(2023, 1, 1, 0, 0), one_hour),
        ("STANDARD", datetime.datetime(2023, 10, 29, 3, 0), one_hour),
    ]


def test_time_zone_spans_the_years_of_the_events(client):
    tour = TourFactory()
    StopFactory(tour=tour, date=datetime.date(2031, 12, 10))
    StopFactory(tour=tour, date=datetime.date(2032, 6, 10))

    body = client.get(f"/tournee/{tour.slug}/programme.ics").content

    zone = vtimezone(body).decode()
    assert "DTSTART:20310101T000000" in zone
    assert "20320328T030000" in zone  # summer time 2032
    assert "2030" not in zone
    assert "2033" not in zone
    assert b"COMMENT" not in body


def test_calendar_times_are_right_in_summer_and_winter(client):
    stop = StopFactory(date=datetime.date(2031, 7, 1))
    summer = SessionFactory(stop=stop, starts_at=at(stop.date, 9))

    event = parse(client.get(f"/{stop.slug}/programme/{summer.pk}.ics")).walk("VEVENT")[0]

    assert event["dtstart"].to_ical() == b"20310701T090000"
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=2)


def test_speaker_calendar_shares_the_small_time_zone(demo_stop):
    from speakers.calendars import speaker_calendar
    from speakers.models import SessionSpeaker

    line_up = SessionSpeaker.objects.select_related("session__stop", "speaker").first()
    body = speaker_calendar(line_up.speaker, [line_up])

    assert b"COMMENT" not in body
    assert len(vtimezone(body)) < 500


def test_line_up_order_is_kept_in_the_session_calendar(client):
    session = SessionFactory()
    SessionSpeakerFactory(session=session, order=2, speaker__last_name="Second")
    SessionSpeakerFactory(session=session, order=1, speaker__last_name="Premier")

    event = parse(client.get(f"/{session.stop.slug}/programme/{session.pk}.ics")).walk("VEVENT")[0]

    description = str(event["description"])
    assert description.index("Premier") < description.index("Second")


# --- Fixed number of queries --------------------------------------------------------------


@pytest.mark.parametrize("stops", [2, 30])
def test_tour_feed_query_count_does_not_grow(client, django_assert_num_queries, stops):
    tour = TourFactory()
    StopFactory.create_batch(stops, tour=tour)

    with django_assert_num_queries(1):
        body = client.get(f"/tournee/{tour.slug}/programme.ics").content

    assert body.count(b"BEGIN:VEVENT") == stops


@pytest.mark.parametrize("speakers", [1, 30])
def test_session_calendar_query_count_does_not_grow(client, django_assert_num_queries, speakers):
    session = SessionFactory()
    for _ in range(speakers):
        SessionSpeakerFactory(session=session)

    # The session with its stop, its line-up, the line-up's speakers.
    with django_assert_num_queries(3):
        response = client.get(f"/{session.stop.slug}/programme/{session.pk}.ics")

    description = str(parse(response).walk("VEVENT")[0]["description"])
    assert description.count("Directrice du numérique") == speakers
