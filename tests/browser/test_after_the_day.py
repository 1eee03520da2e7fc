"""After the day in the browser: the rapporteur's restitution, a speaker's slides, the stop page
that shows them, and an attendee's survey — each page checked by axe-core."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfWriter

from registrations.models import Registration, SurveyResponse
from registrations.tokens import make_token
from speakers import restitutions, services
from speakers.models import Restitution, SessionDocument, SessionSpeaker
from tests.factories import (
    SessionFactory,
    SessionSpeakerFactory,
    SpeakerFactory,
    StopFactory,
    WorkshopFactory,
    registration_details,
)


def slides():
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def day(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    date = timezone.localdate() - datetime.timedelta(days=2)
    stop = StopFactory(
        date=date,
        registration_opens_at=timezone.now() - datetime.timedelta(days=60),
        city="Montpellier",
        title="IA générative et collectivités",
    )
    SessionFactory(stop=stop, title="Conférence plénière")
    workshop = WorkshopFactory(stop=stop, title="IA et aide à la décision")
    SessionFactory(
        stop=stop,
        kind="closing",
        title="Clôture de la journée",
        starts_at=workshop.ends_at,
        ends_at=workshop.ends_at + datetime.timedelta(minutes=30),
    )
    return stop


def sign_in(page, live_server, speaker):
    page.goto(f"{live_server.url}/espace-intervenant/connexion/{services.sign_in_token(speaker)}/")
    page.get_by_role("button", name="Se connecter").click()


def test_rapporteur_writes_speaker_gives_slides_visitors_read_them(
    live_server, day, page, check_accessibility, screenshot
):
    workshop = day.sessions.get(title="IA et aide à la décision")
    rapporteur = SpeakerFactory(first_name="Marie", last_name="Bernard")
    SessionSpeakerFactory(session=workshop, speaker=rapporteur, role=SessionSpeaker.Role.RAPPORTEUR)

    sign_in(page, live_server, rapporteur)
    page.get_by_role("link", name="Rédiger la restitution de l’atelier").click()
    check_accessibility(page)
    page.get_by_label("Courte synthèse").fill("Les élus veulent garder la main.")
    page.get_by_label("Points clés").fill("Transparence\nFormation des élus")
    page.get_by_label("Propositions").fill("Un comité d’éthique")
    page.get_by_role("button", name="Envoyer aux organisateurs pour publication").click()
    expect(page.get_by_text("Votre restitution a été envoyée aux organisateurs")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "restitution-form", full_page=True)

    page.get_by_role("link", name="Mes interventions").click()
    page.get_by_role("link", name="Documents (diapositives en PDF)").click()
    check_accessibility(page)
    page.get_by_label("Titre").fill("Synthèse illustrée")
    page.get_by_label("Fichier PDF").set_input_files(
        files=[{"name": "synthese.pdf", "mimeType": "application/pdf", "buffer": b"<html>"}]
    )
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.get_by_text("Ce fichier n’est pas un PDF").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Fichier PDF").set_input_files(
        files=[{"name": "synthese.pdf", "mimeType": "application/pdf", "buffer": slides()}]
    )
    page.get_by_role("button", name="Ajouter le document").click()
    expect(page.get_by_text("Votre document est ajouté")).to_be_visible()
    screenshot(page, "speaker-documents", full_page=True)
    assert SessionDocument.objects.get().pages == 3

    restitutions.publish_restitutions(
        restitutions=Restitution.objects.all(), user=services.portal_user()
    )
    workshop.replay_url = "https://video.example.org/atelier"
    workshop.save()
    page.goto(f"{live_server.url}{day.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Restitution des ateliers")).to_be_visible()
    expect(page.get_by_text("Les élus veulent garder la main.")).to_be_visible()
    expect(page.get_by_role("link", name="Synthèse illustrée")).to_be_visible()
    page.get_by_role("link", name="Lire la restitution de chaque atelier").click()
    assert page.url.endswith("#restitutions")
    check_accessibility(page)
    screenshot(page, "stop-after-the-day", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Synthèse illustrée").click()
    assert download.value.suggested_filename == "synthese-illustree.pdf"


def test_attendee_answers_the_survey(live_server, day, page, check_accessibility, screenshot):
    workshop = day.sessions.get(title="IA et aide à la décision")
    registration = Registration.objects.create(
        stop=day, status="confirmed", **registration_details(first_name="Alice")
    )
    registration.bookings.create(session=workshop, status="confirmed")

    page.goto(f"{live_server.url}/inscription/{make_token(registration)}/avis/")
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_text("Votre formulaire contient des erreurs")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("group", name="Dans l’ensemble").get_by_label("4", exact=True).check()
    page.get_by_role("group", name="IA et aide à la décision").get_by_label(
        "5 – très utile"
    ).check()
    page.get_by_label("Vos commentaires").fill("Un atelier passionnant.")
    page.get_by_label("Quels thèmes souhaitez-vous").fill("Cybersécurité")
    page.get_by_role("button", name="Enregistrer ma réponse").click()
    expect(page.get_by_text("Merci : votre réponse est enregistrée.")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "survey", full_page=True)

    response = SurveyResponse.objects.get()
    assert (response.overall_rating, response.comments) == (4, "Un atelier passionnant.")
    assert list(response.ratings.values_list("session__title", "usefulness")) == [
        ("IA et aide à la décision", 5)
    ]


def test_organiser_reads_the_survey_on_the_dashboard(live_server, day, page, screenshot):
    from django.contrib.auth.models import User

    from registrations import services as registration_services

    plenary = day.sessions.get(title="Conférence plénière")
    for overall, usefulness in [(5, 4), (4, 4), (4, 5), (2, 1)]:
        registration = Registration.objects.create(
            stop=day, status="confirmed", survey_sent_at=timezone.now(), **registration_details()
        )
        registration_services.save_survey_response(
            registration=registration,
            overall_rating=overall,
            session_ratings={plenary.pk: usefulness},
            comments="Bien" if overall > 3 else "",
        )
    User.objects.create_superuser("organiser", "o@example.org", "mot-de-passe-long")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/events/stop/{day.pk}/tableau-de-bord/")
    page.get_by_label("Nom d’utilisateur").fill("organiser")
    page.get_by_label("Mot de passe").fill("mot-de-passe-long")
    page.get_by_role("button", name="Connexion").click()

    survey = page.locator("table.survey-chart").first
    assert "Note globale – moyenne 3,8 / 5, 4 réponses" in survey.locator("caption").inner_text()
    expect(page.get_by_text("Taux de réponse : 100 %")).to_be_visible()
    page.get_by_role("heading", name="Questionnaire après la journée").scroll_into_view_if_needed()
    screenshot(page, "dashboard-survey", full_page=True)
