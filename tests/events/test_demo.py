"""`load_demo` against the printed Montpellier programme in ../shared/seed/."""

import datetime
import re
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from demo.data import DEMO_COPY_SLUG, MONTPELLIER_SLUG, demo_day
from events.models import Contact, Partner, Session, Stop, Tour, group_into_slots
from speakers.models import SessionSpeaker, Speaker
from tests.pages import text_of

pytestmark = pytest.mark.django_db

SEED_DIR = Path(settings.BASE_DIR).parent / "shared" / "seed"


def _seed_text():
    files = sorted(SEED_DIR.glob("*.txt"))
    if not files:
        pytest.skip(f"seed programme not found in {SEED_DIR}")
    return re.sub(r"\s+", " ", " ".join(f.read_text() for f in files))


def printed(start, end):
    """The printed text from ``start`` to the next ``end`` (included), white space folded.

    Read from the seed, not re-typed: only the first and last words are written here.
    """
    seed = _seed_text()
    begin = seed.index(start)
    return seed[begin : seed.index(end, begin) + len(end)]


def paragraphs(text):
    return [re.sub(r"\s+", " ", block).strip() for block in text.split("\n\n")]


def _counts():
    return [m.objects.count() for m in (Tour, Stop, Session, Speaker, SessionSpeaker, Contact)]


def test_load_demo_loads_the_seven_stops_of_the_tour(demo_stop):
    stops = Stop.objects.exclude(slug=DEMO_COPY_SLUG).order_by("date")

    assert [(s.region, s.city, s.date, s.theme) for s in stops] == [
        ("Grand Est", "Strasbourg", datetime.date(2023, 6, 14), "Numérique responsable"),
        ("Île-de-France", "Paris", datetime.date(2023, 7, 6), "Data"),
        ("Nouvelle Aquitaine", "Pau", datetime.date(2023, 10, 5), "Cybersécurité"),
        ("Pays de la Loire", "Le Mans", datetime.date(2023, 11, 9), "Inclusion numérique"),
        ("Occitanie", "Montpellier", datetime.date(2023, 12, 7),
         "Transformation des métiers et IA générative"),
        ("Auvergne-Rhône-Alpes", "Chambéry", datetime.date(2024, 1, 30), "Relation aux usagers"),
        ("Île-de-France", "Paris", datetime.date(2024, 2, 8),
         "Intelligence artificielle et territoires"),
    ]  # fmt: skip
    assert all(s.status == Stop.Status.PUBLISHED for s in stops)


def test_every_demo_speaker_has_job_title_and_organisation_as_printed(demo_stop):
    seed = _seed_text()
    speakers = Speaker.objects.all()

    assert speakers.count() == 20
    for speaker in speakers:
        printed = f"{speaker.full_name}, {speaker.job_title}, {speaker.organisation}"
        assert printed in seed, printed


def test_speakers_of_several_sessions_are_one_speaker(demo_stop):
    reynaud = Speaker.objects.get(last_name="Reynaud")

    titles = [
        ss.session.title
        for ss in reynaud.session_speakers.filter(session__stop=demo_stop).order_by(
            "session__starts_at"
        )
    ]
    assert titles == [
        "Introduction de la journée",
        "Conférence plénière stratégique : entre risques et opportunités quels choix pour "
        "nos organisations ?",
        "Clôture de la journée",
    ]


def test_montpellier_programme_has_every_time_slot_as_printed(demo_stop):
    slots = [
        (timezone.localtime(s.starts_at).strftime("%H:%M"),
         timezone.localtime(s.ends_at).strftime("%H:%M"), s.kind)
        for s in demo_stop.sessions.order_by("starts_at", "pk")
    ]  # fmt: skip

    assert slots == [
        ("08:30", "09:00", "welcome"),
        ("09:00", "09:20", "introduction"),
        ("09:20", "10:45", "plenary"),
        ("11:00", "11:30", "keynote"),
        ("11:30", "12:30", "round_table"),
        ("12:30", "14:00", "break"),
        ("14:00", "15:00", "testimonials"),
        ("15:00", "16:30", "workshop"),
        ("15:00", "16:30", "workshop"),
        ("15:00", "16:30", "workshop"),
        ("16:30", "17:00", "closing"),
    ]


def test_montpellier_workshops_are_parallel_in_person_only_with_seats(demo_stop):
    workshops = list(demo_stop.sessions.workshops().order_by("pk"))

    assert [w.title for w in workshops] == [
        "IA et aide à la décision : qui commande ?",
        "L’IA nous rend-elle plus efficaces ?",
        "Comment former et accompagner les élus, managers et agents ?",
    ]
    assert all(w.in_person_only and w.capacity > 0 for w in workshops)
    slots = group_into_slots(demo_stop.sessions.all())
    assert [slot.sessions for slot in slots if slot.is_parallel] == [workshops]


def test_montpellier_roles_introduction_and_with_are_kept(demo_stop):
    plenary = demo_stop.sessions.get(kind=Session.Kind.PLENARY)
    round_table = demo_stop.sessions.get(kind=Session.Kind.ROUND_TABLE)

    first = plenary.session_speakers.order_by("order").first()
    assert (first.speaker.full_name, first.role) == ("Yann Ferguson", "introduction")
    roffini = round_table.session_speakers.get(speaker__last_name="Roffini")
    germain = round_table.session_speakers.get(speaker__last_name="Germain")
    assert roffini.role == "with"
    assert roffini.order == germain.order + 1


def test_montpellier_venue_contacts_and_social_line(demo_stop):
    seed = _seed_text()

    assert demo_stop.slug == MONTPELLIER_SLUG
    assert demo_stop.venue_name == "Hôtel de Montpellier Méditerranée Métropole"
    assert demo_stop.venue_address == "50 place Zeus BP 9531\n34045 Montpellier"
    assert demo_stop.access_public_transport == printed("En tram :", "(9min)")
    assert f"En voiture : {demo_stop.access_car}" in seed
    assert f"Depuis la gare : {demo_stop.access_from_station}" in seed
    social = printed("Suivez les journées experts en direct", "#intercoTour")
    assert social.endswith(f"twitter : {demo_stop.hashtag}")
    assert demo_stop.hashtag == "@interconnectes #intercoTour"
    contacts = [(c.name, c.email, c.phone) for c in demo_stop.tour.contacts.all()]
    assert contacts == [
        ("Céline Colucci", "ccolucci@interconnectes.com", "06 10 86 23 87"),
        ("Fanélie Sanjuan", "fsanjuan@interconnectes.com", "06 12 67 90 99"),
        ("Antonin Dumont", "adumont@interconnectes.com", "07 68 73 11 59"),
    ]


def test_load_demo_creates_an_upcoming_copy_open_for_registration(demo_stop):
    copy = Stop.objects.get(slug=DEMO_COPY_SLUG)

    assert copy.date == demo_day(timezone.localdate())
    assert copy.date >= timezone.localdate() + datetime.timedelta(weeks=4)
    assert copy.registration_window() == "open"
    assert copy.sessions.count() == demo_stop.sessions.count()
    assert copy.sessions.workshops().count() == 3


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 3, 2), datetime.date(2026, 4, 2)),  # Monday: the Thursday after
        (datetime.date(2026, 3, 5), datetime.date(2026, 4, 2)),  # Thursday: four weeks on
        (datetime.date(2026, 11, 27), datetime.date(2027, 1, 7)),  # not 24 or 31 December
        (datetime.date(2026, 12, 10), datetime.date(2027, 1, 7)),  # four weeks on, after them
    ],
)
def test_the_demo_day_is_a_thursday_out_of_the_christmas_holidays(today, expected):
    assert demo_day(today) == expected
    assert expected.weekday() == 3


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", stdout=StringIO())
    before = _counts()
    snapshot = list(Stop.objects.values_list("slug", "date", "updated_at"))

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert _counts() == before
    assert list(Stop.objects.values_list("slug", "date", "updated_at")) == snapshot
    assert f"/{DEMO_COPY_SLUG}/" in out.getvalue()


def test_load_demo_is_all_or_nothing(monkeypatch):
    from demo import data as demo

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "_fill_programme", broken)

    with pytest.raises(RuntimeError):
        demo.load_demo()

    assert _counts() == [0, 0, 0, 0, 0, 0]


# --- The Montpellier page, line by line against the printed programme ---------------------


def test_every_title_of_the_day_is_as_printed(demo_stop):
    seed = _seed_text()
    titles = [demo_stop.title, demo_stop.highlights_title]
    titles += [session.title for session in demo_stop.sessions.all()]

    missing = [title for title in titles if title.upper() not in seed]

    assert missing == []
    plenary = demo_stop.sessions.get(kind=Session.Kind.PLENARY)
    assert plenary.title.upper() == printed("CONFÉRENCE PLÉNIÈRE STRATÉGIQUE", "ORGANISATIONS ?")


def test_every_line_up_line_is_as_printed_in_its_session(demo_stop):
    seed = _seed_text()
    line_ups = SessionSpeaker.objects.filter(session__stop=demo_stop).select_related("speaker")

    shown = [
        f"{ss.speaker.full_name}, {ss.job_title or ss.speaker.job_title}, "
        f"{ss.organisation or ss.speaker.organisation}"
        for ss in line_ups
    ]

    assert [line for line in shown if line not in seed] == []
    clement = printed("Jean-Philippe Clément,", "Parlez-moi d’IA")
    assert shown.count(clement) == 2
    assert clement.endswith(", Animateur du podcast Parlez-moi d’IA")


def test_montpellier_page_shows_clement_line_in_both_sessions(client, demo_stop):
    page = text_of(client.get(demo_stop.get_absolute_url()))

    assert page.count(printed("Jean-Philippe Clément,", "Parlez-moi d’IA")) == 2


def test_to_discover_text_has_its_paragraphs_and_the_three_axes_as_printed(client, demo_stop):
    html = client.get(demo_stop.get_absolute_url()).text
    section = html[html.index('<section class="highlights"') :]
    section = section[: section.index("</section>")]

    shown_paragraphs = [unescape(p) for p in re.findall(r"<p>(.*?)</p>", section, re.S)]
    shown_bullets = [unescape(li) for li in re.findall(r"<li>(.*?)</li>", section, re.S)]

    assert demo_stop.highlights_title.upper() == printed("INTELLIGENCE ARTIFICIELLE,", "!")
    assert shown_paragraphs == [
        printed("Le 6 juillet 2023", "associées des territoires."),
        printed("Si les associations d’élus", "devient indispensable."),
        printed("Un plan d’action sur 3 ans", "axes stratégiques :"),
    ]
    assert shown_bullets == [
        printed("L’IA au service des politiques publiques :", "communauté d’acteurs ;"),
        printed("L’IA et la vie publique :", "société civile du numérique ;"),
        printed("L’IA et la transformation des métiers", "de la transition numérique."),
    ]


def test_organisers_descriptions_are_printed_in_full(demo_stop):
    descriptions = dict(demo_stop.partners.values_list("name", "description"))

    assert descriptions == {
        "Les Interconnectés": printed("Créée en 2009,", "«start-up interconnectée»."),
        "Montpellier Méditerranée Métropole": printed(
            "La Métropole de Montpellier est composée", "aux enjeux de l’intelligence artificielle."
        ),
    }
    assert Partner.objects.filter(kind=Partner.Kind.ORGANISER).count() == 2


def test_more_information_is_a_link_and_no_live_stream_is_made_up(client, demo_stop):
    more_info = printed("Plus d’infos sur :", "07122023").removeprefix("Plus d’infos sur : ")

    page = client.get(demo_stop.get_absolute_url())

    assert demo_stop.more_info_url == more_info
    assert demo_stop.online_url == ""
    assert f'href="{more_info}"' in page.text
    assert "en direct en ligne" not in text_of(page)
    assert f"{demo_stop.hashtag}" in text_of(page)


def test_tour_texts_are_as_printed(demo_stop):
    tour = demo_stop.tour

    assert paragraphs(tour.intro) == [
        printed("Lancé en 2015", "collectivités françaises."),
        printed("L'intercoTOUR propose", "travail collectif."),
        printed("L'ensemble de ces travaux", "commission numérique en 2021."),
    ]
    assert tour.manifesto_title.upper() == printed("MANIFESTE POUR", "RESPONSABLES")
    assert paragraphs(tour.manifesto) == [
        printed("Le numérique s’est imposé", "écologiquement durable."),
        printed("Articulé autour de trois ambitions", "en cours de définition."),
        printed("Ce manifeste est le fruit", "17 et 18 mars 2021."),
    ]
    assert tour.social_line == demo_stop.hashtag


def test_tour_page_shows_the_manifesto_and_the_news_and_home_links_to_it(client, demo_stop):
    tour = demo_stop.tour

    home = client.get("/").text
    page = client.get(f"/tournee/{tour.slug}/")

    assert f'href="/tournee/{tour.slug}/#manifeste"' in home
    assert f'href="/tournee/{tour.slug}/#actualite"' in home
    text = text_of(page)
    assert "Manifeste pour des territoires numériques responsables" in text
    for paragraph in paragraphs(tour.manifesto):
        assert paragraph in text
    assert "Suivez notre actualité" in text
    assert "Sur les réseaux sociaux : @interconnectes #intercoTour" in text
    assert (
        "Occitanie – Montpellier – 7 décembre 2023 Transformation des métiers et IA générative"
        in text
    )
