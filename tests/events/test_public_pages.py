"""The public pages attendees read before they register."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.data import DEMO_COPY_SLUG, MONTPELLIER_SLUG
from events.models import Session, Stop
from speakers.models import Speaker
from tests.factories import (
    PartnerFactory,
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    StopFactory,
    WorkshopFactory,
)
from tests.pages import french, text_of

pytestmark = pytest.mark.django_db


# --- Home -------------------------------------------------------------------------------


def test_home_lists_next_stops_before_past_stops(client, demo_stop):
    response = client.get("/")

    page = text_of(response)
    assert "IntercoTOUR 2023-2024" in page
    assert "Lancé en 2015 par le réseau des Interconnectés" in page
    assert page.index("Prochaines étapes") < page.index("Étapes passées")
    upcoming = page[page.index("Prochaines étapes") : page.index("Étapes passées")]
    assert "Montpellier – L’IA générative va-t-elle nous remplacer ? (journée" in upcoming
    assert "Inscriptions ouvertes" in upcoming
    past = page[page.index("Étapes passées") :]
    assert past.index("Chambéry") < past.index("Strasbourg")  # most recent first
    assert "jeudi 7 décembre 2023 · Occitanie" in past
    assert "Thème : Cybersécurité" in past
    assert f'href="/{MONTPELLIER_SLUG}/"' in response.text


def test_home_shows_full_and_closed_states_and_hides_drafts(client):
    tour = StopFactory(title="Ouverte").tour
    StopFactory(tour=tour, title="Complète", capacity=10, seats_taken=10)
    StopFactory(
        tour=tour,
        title="Fermée",
        registration_opens_at=timezone.now() - datetime.timedelta(days=3),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    StopFactory(tour=tour, title="Brouillon secret", status=Stop.Status.DRAFT)

    page = text_of(client.get("/"))

    assert "Ouverte" in page
    assert "Inscriptions ouvertes" in page
    assert "Complète" in page
    assert "Complet en présentiel" in page
    assert "Fermée" in page
    assert "Inscriptions closes" in page
    assert "Brouillon secret" not in page


def test_home_without_any_published_stop_says_so(client):
    StopFactory(status=Stop.Status.DRAFT)

    assert "Aucune tournée n’est encore publiée." in text_of(client.get("/"))


# --- Stop page --------------------------------------------------------------------------


def test_stop_page_shows_title_theme_date_and_venue_in_french(client, demo_stop):
    page = text_of(client.get(f"/{MONTPELLIER_SLUG}/"))

    assert "L’IA générative va-t-elle nous remplacer ?" in page
    assert "Thème : Transformation des métiers et IA générative" in page
    assert "Jeudi 7 décembre 2023, de 8h30 à 17h00" in page
    assert "Montpellier – Hôtel de Montpellier Méditerranée Métropole" in page


def test_stop_page_programme_is_grouped_by_time_slot(client, demo_stop):
    page = text_of(client.get(f"/{MONTPELLIER_SLUG}/"))

    slots = re.findall(r"(\d{1,2}h\d\d) – (\d{1,2}h\d\d)", page)
    assert slots[:9] == [
        ("8h30", "9h00"),
        ("9h00", "9h20"),
        ("9h20", "10h45"),
        ("11h00", "11h30"),
        ("11h30", "12h30"),
        ("12h30", "14h00"),
        ("14h00", "15h00"),
        ("15h00", "16h30"),  # one slot for the three parallel workshops
        ("16h30", "17h00"),
    ]
    assert "3 sessions en parallèle" in page


def test_upcoming_stop_asks_to_choose_one_of_the_parallel_workshops(client, demo_stop):
    page = text_of(client.get(f"/{DEMO_COPY_SLUG}/"))

    assert "3 sessions en parallèle – choisissez-en une" in page
    assert page.count("places restantes") == 3 + 1  # three workshops, and the day


def test_past_stop_shows_no_seats_left_and_no_call_to_choose(client, demo_stop):
    Session.objects.filter(stop=demo_stop, kind="workshop").update(seats_taken=0)

    page = text_of(client.get(f"/{MONTPELLIER_SLUG}/"))

    assert "Cette journée a eu lieu." in page
    assert page.count("Présentiel uniquement") == 3
    assert "restante" not in page
    assert "choisissez" not in page
    assert "liste d’attente" not in page


def test_stop_page_shows_parallel_workshops_side_by_side_in_one_slot(client, demo_stop):
    response = client.get(f"/{MONTPELLIER_SLUG}/")

    pattern = r'<li class="slot slot--parallel">(.*?)</li>\s*<li class="slot"'
    parallel = re.findall(pattern, response.text, re.S)
    assert len(parallel) == 1
    assert parallel[0].count('<article class="session session--workshop" id="session-') == 3


def test_stop_page_marks_workshops_in_person_only_with_seats_left(client, demo_stop):
    upcoming = Stop.objects.get(slug=DEMO_COPY_SLUG)
    workshop = upcoming.sessions.workshops().order_by("pk").first()
    Session.objects.filter(pk=workshop.pk).update(seats_taken=38)

    page = text_of(client.get(f"/{DEMO_COPY_SLUG}/"))

    assert page.count("Présentiel uniquement") == 3
    assert (
        "IA et aide à la décision : qui commande ? Présentiel uniquement 2 places restantes" in page
    )
    assert "Présentiel uniquement 30 places restantes" in page


def test_stop_page_marks_a_full_workshop(client):
    workshop = WorkshopFactory(capacity=5, seats_taken=5)

    page = text_of(client.get(workshop.stop.get_absolute_url()))

    assert "Présentiel uniquement Complet – liste d’attente" in page


def test_stop_page_lists_speakers_with_job_organisation_and_role(client, demo_stop):
    page = text_of(client.get(f"/{MONTPELLIER_SLUG}/"))

    assert "Introduction : Yann Ferguson, Responsable scientifique, LaborIA & Matrice" in page
    assert (
        "Christelle Germain, Responsable service coordination fonction ressources, "
        "Montpellier Méditerranée Métropole avec Jean-Baptiste Roffini, Co-fondateur, Delibia"
    ) in page
    assert "Mustapha Derras, Directeur de la Recherche et de l’Innovation, Berger-Levrault" in page


def test_stop_page_shows_moderator_and_rapporteur_roles(client):
    session = SessionFactory()
    SessionSpeakerFactory(session=session, role="moderator", speaker__first_name="Ada")
    SessionSpeakerFactory(session=session, role="rapporteur", speaker__first_name="Alan")

    page = text_of(client.get(session.stop.get_absolute_url()))

    assert "Animation : Ada" in page
    assert "Rapporteur·e : Alan" in page


def test_stop_page_shows_access_contacts_partners_and_follow_links(client, demo_stop):
    response = client.get(f"/{MONTPELLIER_SLUG}/")
    page = text_of(response)

    assert "En transports en commun En tram : Depuis la Gare Saint-Roch" in page
    assert "En voiture Parking à proximité : Tam Montpellier-Parking" in page
    assert "Depuis la gare 6min à pieds depuis la Gare Saint-Roch" in page
    assert (
        'href="https://www.openstreetmap.org/search?query=H%C3%B4tel%20de%20Montpellier'
        in response.text
    )
    assert "Céline Colucci Déléguée générale, Relation aux élus, Presse" in page
    assert "fsanjuan@interconnectes.com" in page
    assert "Les Interconnectés Organisateur" in page
    assert (
        "Suivez les journées experts en direct sur les réseaux sociaux : "
        "@interconnectes #intercoTour" in page
    )
    assert f"Plus d’infos : {demo_stop.more_info_url}" in page
    assert f'href="{demo_stop.more_info_url}"' in response.text
    assert "Suivre la journée en direct en ligne" not in page  # no live stream is set


def test_stop_page_registration_call_to_action_states(client):
    opening = timezone.now() + datetime.timedelta(days=2)
    soon = StopFactory(
        registration_opens_at=opening, registration_closes_at=opening + datetime.timedelta(days=9)
    )
    full = StopFactory(capacity=3, seats_taken=3)
    open_stop = StopFactory(capacity=80, seats_taken=5)

    assert "Inscriptions bientôt ouvertes Ouverture des inscriptions le" in text_of(
        client.get(soon.get_absolute_url())
    )
    assert "Toutes les places en présentiel sont prises" in text_of(
        client.get(full.get_absolute_url())
    )
    page = text_of(client.get(open_stop.get_absolute_url()))
    assert "Inscriptions ouvertes Clôture des inscriptions le" in page
    assert "75 places restantes en présentiel." in page


def test_past_stop_page_says_the_day_took_place(client, demo_stop):
    assert "Cette journée a eu lieu." in text_of(client.get(f"/{MONTPELLIER_SLUG}/"))


def test_only_a_coming_day_offers_its_programme_for_a_calendar(client, demo_stop):
    past = text_of(client.get(f"/{MONTPELLIER_SLUG}/"))
    coming_page = client.get(f"/{DEMO_COPY_SLUG}/")
    coming = text_of(coming_page)

    assert f'href="/{DEMO_COPY_SLUG}/programme.ics"' in coming_page.text

    for offer in [
        "Ajouter le programme à mon agenda",
        "S’abonner au programme de cette journée",
        "Ajouter à mon agenda",
    ]:
        assert offer not in past
        assert offer in coming


def test_speaker_emails_never_appear_on_public_pages(client, demo_stop):
    for speaker in Speaker.objects.all():
        speaker.email = f"private-{speaker.pk}@example.org"
        speaker.save()
    speaker = Speaker.objects.first()

    for url in ["/", f"/{MONTPELLIER_SLUG}/", "/intervenants/", speaker.get_absolute_url()]:
        assert "@example.org" not in client.get(url).text, url
    ics = client.get(f"/{MONTPELLIER_SLUG}/programme.ics").content.decode()
    assert "@example.org" not in ics


@pytest.mark.parametrize("status", [Stop.Status.DRAFT, Stop.Status.CANCELLED])
def test_unpublished_stop_answers_a_french_404_with_a_way_back(client, status):
    stop = StopFactory(status=status, title="Journée secrète")

    response = client.get(stop.get_absolute_url())

    assert response.status_code == 404
    page = text_of(response)
    assert "Page introuvable" in page
    assert "Journée secrète" not in page
    assert 'href="/"' in response.text
    assert "Retour aux étapes de la tournée" in page


def test_unknown_stop_answers_a_french_404(client, db):
    response = client.get("/etape-inconnue/")

    assert response.status_code == 404
    assert "Cette page n’existe pas ou n’est pas publiée." in text_of(response)


# --- Speakers ---------------------------------------------------------------------------


def test_speaker_list_is_alphabetical_and_only_from_published_stops(client):
    published = SessionFactory()
    SessionSpeakerFactory(session=published, speaker__first_name="Zoé", speaker__last_name="Zola")
    SessionSpeakerFactory(session=published, speaker__first_name="Anne", speaker__last_name="Abel")
    SessionSpeakerFactory(
        session=SessionFactory(stop=StopFactory(status=Stop.Status.DRAFT)),
        speaker__last_name="Cachée",
    )
    SpeakerFactory(last_name="Sansintervention")

    page = text_of(client.get(reverse("speakers:speaker_list")))

    assert page.index("ABEL Anne") < page.index("ZOLA Zoé")
    assert "CACHÉE" not in page
    assert "SANSINTERVENTION" not in page


def test_speaker_page_lists_every_session_across_the_tour(client, demo_stop):
    clement = Speaker.objects.get(last_name="Clément")

    page = text_of(client.get(clement.get_absolute_url()))

    assert "Jean-Philippe Clément" in page
    assert "Directeur général adjoint des services" in page
    # Two sessions at the demo copy and two at the past Montpellier stop, upcoming first.
    assert page.count("La parole à ceux qui expérimentent l’IA générative") == 2
    assert page.count("L’IA nous rend-elle plus efficaces ?") == 2
    assert page.index("(journée de démonstration)") < page.index("Jeudi 7 décembre 2023, 11h30")
    assert "Table ronde : La parole à ceux qui" in page


def test_speaker_page_does_not_say_the_kind_twice(client, demo_stop):
    martinez = Speaker.objects.get(last_name="Martinez")

    page = text_of(client.get(martinez.get_absolute_url()))

    assert "Témoignages – comment j’intègre l’IA générative dans mon métier" in page
    assert "Témoignages : Témoignages" not in page
    assert "Atelier : Comment former et accompagner" in page  # a title that does not say it


def test_speaker_page_hides_sessions_of_draft_stops(client):
    line_up = SessionSpeakerFactory(session__title="Session publique")
    SessionSpeakerFactory(
        speaker=line_up.speaker,
        session=SessionFactory(stop=StopFactory(status=Stop.Status.DRAFT), title="Session cachée"),
    )

    page = text_of(client.get(line_up.speaker.get_absolute_url()))

    assert "Session publique" in page
    assert "Session cachée" not in page


def test_unknown_or_unpublished_speaker_answers_a_french_404(client):
    hidden = SessionSpeakerFactory(session__stop__status=Stop.Status.DRAFT).speaker

    for url in ["/intervenants/personne/", hidden.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in text_of(response)


# --- Language ---------------------------------------------------------------------------


def test_site_is_french_by_default_even_for_an_english_browser(client, demo_stop):
    response = client.get(f"/{MONTPELLIER_SLUG}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="fr">' in response.text
    assert "Programme de la journée" in text_of(response)


def test_language_switcher_turns_the_site_to_english(client, demo_stop):
    url = f"/{MONTPELLIER_SLUG}/"
    french = client.get(url)
    assert f'href="/langue/en/?next={url}"' in french.text

    switched = client.get(f"/langue/en/?next={url}")
    response = client.get(switched.url)

    assert switched.status_code == 302
    assert switched.url == url
    assert '<html lang="en">' in response.text
    page = text_of(response)
    assert "Programme of the day" in page
    assert "Thursday 7 December 2023, from 08:30 to 17:00" in page
    assert "Introduction: Yann Ferguson" in page


def test_language_switcher_goes_back_to_french(client, demo_stop):
    client.get("/langue/en/")

    response = client.get("/langue/fr/?next=/intervenants/", follow=True)

    assert '<html lang="fr">' in response.text
    assert "Les intervenants de la tournée" in text_of(response)


@pytest.mark.parametrize("language", ["xx", "en-<script>", "%00", "fr" * 200])
def test_malformed_language_code_keeps_french_and_never_fails(client, demo_stop, language):
    via_link = client.get(f"/langue/{language}/?next=/", follow=True)
    via_form = client.post("/i18n/setlang/", {"language": language, "next": "/"}, follow=True)

    # A NUL character in the address gets the (French) 400 page; see tests/test_hostile_input.py.
    refused = language == "%00"
    assert via_link.status_code == (400 if refused else 200)
    assert via_form.status_code == 200
    for response in (via_link, via_form):
        assert '<html lang="fr">' in response.text
    assert ("Requête incomprise" if refused else "Prochaines étapes") in text_of(via_link)
    assert "Prochaines étapes" in text_of(via_form)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_language_switch_never_redirects_off_site(client, db, target):
    response = client.get("/langue/en/", {"next": target})

    assert response.status_code == 302
    assert response.url == "/"


def test_malformed_language_cookie_keeps_french(client, db):
    client.cookies["django_language"] = "../../etc/passwd"

    response = client.get("/")

    assert '<html lang="fr">' in response.text


@pytest.mark.parametrize(
    "query", ["?page=abc", "?%ff%fe=1", "?lang=en&lang=fr", "?" + "a=1&" * 500, "?q=<script>"]
)
def test_odd_query_strings_never_fail(client, demo_stop, query):
    headings = {
        "/": "Prochaines étapes",
        f"/{MONTPELLIER_SLUG}/": "Programme de la journée",
        "/intervenants/": "Les intervenants de la tournée",
    }
    for url, heading in headings.items():
        response = client.get(url + query)
        assert response.status_code == 200, url
        assert heading in text_of(response), url
        assert "<script>" not in response.text.split("</head>")[1]


def test_accessibility_statement_is_linked_from_every_page(client, demo_stop):
    for url in ["/", f"/{MONTPELLIER_SLUG}/", "/intervenants/", "/nulle-part/"]:
        assert 'href="/accessibilite/">' + french(
            "Accessibilité : partiellement conforme"
        ) in client.get(url).text.replace("\n", "")

    page = text_of(client.get("/accessibilite/"))
    assert "Déclaration d’accessibilité" in page
    assert "partiellement conforme au RGAA" in page
    assert "Défenseur des droits" in page


def test_demo_copy_page_is_open_for_registration(client, demo_stop):
    response = client.get(f"/{DEMO_COPY_SLUG}/")

    page = text_of(response)
    assert "L’IA générative va-t-elle nous remplacer ? (journée de démonstration)" in page
    assert "Inscriptions ouvertes" in page
    assert "150 places restantes en présentiel." in page
    assert f'href="/{DEMO_COPY_SLUG}/inscription/"' in response.text


def test_session_link_leads_to_its_anchor_on_the_stop_page(client):
    session = SessionFactory(title="Session ancrée")

    url = session.get_absolute_url()
    page = client.get(url.split("#")[0])

    assert url == f"{session.stop.get_absolute_url()}#session-{session.pk}"
    anchored = page.text.split(f'id="session-{session.pk}"')[1].split("</article>")[0]
    assert "Session ancrée" in anchored


def test_stop_page_shows_its_partners_with_logo_free_names(client):
    stop = StopFactory()
    stop.partners.add(PartnerFactory(name="Banque des Territoires", url="https://example.org"))

    page = text_of(client.get(stop.get_absolute_url()))

    assert "Banque des Territoires Partenaire" in page


def test_stop_page_links_the_live_stream_apart_from_more_information(client):
    stop = StopFactory(
        online_url="https://live.example.org/jour", more_info_url="https://example.org/infos"
    )

    response = client.get(stop.get_absolute_url())

    page = text_of(response)
    assert '<a href="https://live.example.org/jour">Suivre la journée en direct en ligne</a>' in (
        response.text
    )
    assert "Plus d’infos : https://example.org/infos" in page


def test_stop_page_shows_to_discover_with_its_bullets_and_escapes_markup(client):
    stop = StopFactory(
        highlights_title="Les territoires s’engagent !",
        highlights="Premier paragraphe <script>alert(1)</script>.\n\nTrois axes :\n- un ;\n- deux.",
    )

    html = client.get(stop.get_absolute_url()).text

    section = html[html.index('<section class="highlights"') :]
    section = section[: section.index("</section>")]
    assert '<h3 class="highlights__title">Les territoires s’engagent\u202f!</h3>' in section
    assert "<p>Premier paragraphe &lt;script&gt;alert(1)&lt;/script&gt;.</p>" in section
    assert "<p>Trois axes :</p>\n<ul><li>un ;</li><li>deux.</li></ul>" in section
    assert "<script>alert" not in html


# --- The tour's page -----------------------------------------------------------------------


def test_tour_page_of_an_unknown_or_unpublished_tour_is_a_french_404(client):
    draft = StopFactory(status=Stop.Status.DRAFT)

    for address in ("/tournee/inconnue/", f"/tournee/{draft.tour.slug}/", "/tournee/<x>/"):
        response = client.get(address)
        assert response.status_code == 404, address
    assert draft.tour.name not in client.get(f"/tournee/{draft.tour.slug}/").text


def test_tour_page_without_a_manifesto_shows_no_empty_section(client):
    stop = StopFactory()

    response = client.get(f"/tournee/{stop.tour.slug}/")

    assert 'id="manifeste"' not in response.text
    assert "Suivez notre actualité" in text_of(response)
    assert 'href="/tournee/' + stop.tour.slug + '/#manifeste"' not in client.get("/").text


def test_tour_slug_cannot_be_a_stop_address():
    from django.core.exceptions import ValidationError

    from events.models import validate_stop_slug

    with pytest.raises(ValidationError):
        validate_stop_slug("tournee")
