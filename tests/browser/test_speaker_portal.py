"""A speaker signs in from the e-mailed link, sees their slots, gets the calendar, edits the bio."""

import re
from pathlib import Path

import pytest
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from demo.data import load_demo
from speakers.models import Speaker


@pytest.fixture
def clement(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    settings.REGISTRATION_RATE_LIMIT = ""
    load_demo()
    speaker = Speaker.objects.get(last_name="Clément")
    speaker.email = "jp.clement@example.org"
    speaker.save()
    return speaker


def test_speaker_signs_in_sees_slots_downloads_calendar_edits_bio(
    live_server, clement, page, check_accessibility, screenshot, run_tasks
):
    page.goto(f"{live_server.url}/espace-intervenant/")
    check_accessibility(page)
    page.get_by_label("Votre adresse e-mail").fill("jp.clement@example.org")
    page.get_by_role("button", name="M’envoyer un lien de connexion").click()
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()

    run_tasks()  # the worker looks the address up and sends the link
    link = re.search(r"(http://\S+/espace-intervenant/connexion/\S+/)", mail.outbox[-1].body)
    page.goto(link.group(1))
    page.get_by_role("button", name="Se connecter").click()

    expect(
        page.get_by_role("heading", name="Interventions de Jean-Philippe Clément")
    ).to_be_visible()
    coming = page.locator(
        "section", has=page.get_by_role("heading", name="Prochaines interventions")
    )
    titles = coming.locator(".portal-slot h3").all_text_contents()
    assert titles == [
        "La parole à ceux qui expérimentent l’IA générative dans leurs collectivités",
        "L’IA nous rend-elle plus efficaces ?",
    ]
    expect(page.get_by_role("heading", name="Interventions passées")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "speaker-slots", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes interventions").click()
    calendar = Calendar.from_ical(Path(download.value.path()).read_bytes())
    assert len(calendar.walk("VEVENT")) == 4

    page.get_by_role("link", name="Mon profil").click()
    check_accessibility(page)
    page.get_by_label("Courte biographie").fill("Animateur du podcast Parlez-moi d’IA.")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.get_by_text("Votre profil a été mis à jour.")).to_be_visible()

    page.get_by_role("link", name="Ma page publique").click()
    expect(page.get_by_text("Animateur du podcast Parlez-moi d’IA.")).to_be_visible()
    assert "jp.clement@example.org" not in page.content()
