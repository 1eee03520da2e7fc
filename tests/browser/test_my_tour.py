"""'Mon parcours' in Chromium: from the e-mailed link to a certificate download."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from registrations import services
from tests.factories import StopFactory, TourFactory, registration_details
from tests.registrations.test_certificates import move_to_the_past

EMAIL = "camille.durand@example.org"


@pytest.fixture
def camille(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    settings.REGISTRATION_RATE_LIMIT = ""
    season = TourFactory(name="IntercoTOUR 2030-2031")
    attended = StopFactory(tour=season, city="Montpellier", title="IA générative et métiers")
    coming = StopFactory(tour=season, city="Rennes", title="Sobriété numérique")
    StopFactory(
        tour=season,
        city="Nantes",
        title="Cybersécurité des collectivités",
        date=timezone.localdate() + datetime.timedelta(days=60),
    )
    details = registration_details(email=EMAIL, phone="06 12 34 56 78")
    registration, _created = services.register(stop=attended, **details)
    services.check_in(registration=registration)
    services.register(stop=coming, **details)
    move_to_the_past(attended, days=3)
    return registration


def test_my_tour_from_the_emailed_link_to_a_certificate_download(
    live_server, camille, page, check_accessibility, screenshot, run_tasks
):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Mon parcours").click()
    check_accessibility(page)
    page.get_by_label("Adresse e-mail utilisée pour l’inscription").fill(
        "Camille.Durand@example.org"
    )
    page.get_by_role("button", name="M’envoyer un lien de connexion").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    check_accessibility(page)
    run_tasks()  # the worker looks the address up, then sends the link

    link = re.search(r"(http://\S+/mon-parcours/connexion/\S+/)", mail.outbox[-1].body)
    page.goto(link.group(1))
    check_accessibility(page)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", name="Mon parcours", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Cette saison (IntercoTOUR 2030-2031) : 1 journée suivie")
    ).to_be_visible()
    coming = page.locator("section", has=page.get_by_role("heading", name="Journées à venir"))
    expect(coming.get_by_role("heading", name="Rennes – Sobriété numérique")).to_be_visible()
    past = page.locator("section", has=page.get_by_role("heading", name="Journées passées"))
    expect(
        past.get_by_role("heading", name="Montpellier – IA générative et métiers")
    ).to_be_visible()
    check_accessibility(page)
    screenshot(page, "my-tour", full_page=True)

    with page.expect_download() as download:
        past.get_by_role("link", name=re.compile("Télécharger mon attestation de présence")).click()
    pdf = Path(download.value.path()).read_bytes()
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Camille Durand" in text
    assert "« IA générative et métiers »" in text

    code = re.search(r"/attestation/(\S+)/", text).group(1)
    page.goto(f"{live_server.url}/attestation/{code}/")
    expect(page.get_by_role("heading", name="Attestation de présence valide")).to_be_visible()
    check_accessibility(page)

    page.go_back()
    page.get_by_role("link", name="M’inscrire à la prochaine étape").click()
    assert page.get_by_label("Prénom").input_value() == "Camille"
    assert page.get_by_label("Adresse e-mail").input_value() == EMAIL
    assert page.get_by_label("Téléphone").input_value() == "06 12 34 56 78"
    check_accessibility(page)


def test_certificate_pages_are_accessible(live_server, camille, page, check_accessibility):
    from registrations.tokens import make_token

    page.goto(f"{live_server.url}/inscription/{make_token(camille)}/")
    expect(page.get_by_role("link", name=re.compile("Télécharger mon attestation"))).to_be_visible()
    check_accessibility(page)

    page.goto(f"{live_server.url}/attestation/1.forged/")
    expect(page.get_by_role("heading", name="Cette attestation n’est pas valide")).to_be_visible()
    check_accessibility(page)

    services.cancel_registration(registration=camille, notify=False)
    page.goto(f"{live_server.url}/inscription/{make_token(camille)}/attestation.pdf")
    expect(page.get_by_role("heading", name="Pas d’attestation de présence")).to_be_visible()
    check_accessibility(page)
