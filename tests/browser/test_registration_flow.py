"""Registering, then managing the registration from the e-mailed link, in Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from demo.data import DEMO_COPY_SLUG, load_demo
from registrations.models import Registration


@pytest.fixture
def demo(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    settings.REGISTRATION_RATE_LIMIT = ""
    load_demo()


def test_register_then_change_workshop_then_cancel(
    live_server, demo, page, check_accessibility, screenshot, run_tasks
):
    page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/")
    page.get_by_role("link", name="S’inscrire").click()

    check_accessibility(page)
    page.get_by_label("Prénom").fill("Camille")
    page.locator("#id_last_name").fill("Durand")
    page.get_by_label("Adresse e-mail").fill("camille.durand@example.org")
    page.get_by_label("Organisme (par exemple votre collectivité)").fill("Ville de Sète")
    page.get_by_label("Fonction").fill("Directrice du numérique")
    page.get_by_label("Vous êtes").select_option("local_staff")
    page.get_by_role("radio", name="Sur place").check()
    page.get_by_label(re.compile(r"^IA et aide à la décision\s: qui commande\s\?")).check()
    page.get_by_label("Je déjeunerai sur place").check()
    screenshot(page, "registration-form", full_page=True)
    page.get_by_role("button", name="S’inscrire").click()

    expect(page.get_by_role("heading", name="Merci, vous êtes inscrit·e")).to_be_visible()
    expect(page.get_by_text("Votre place en présentiel est confirmée.")).to_be_visible()
    check_accessibility(page)
    registration = Registration.objects.get(email="camille.durand@example.org")
    assert registration.bookings.get().session.title.startswith("IA et aide à la décision")

    run_tasks()  # the worker sends the e-mail the registration queued
    link = re.search(r"(http://\S+/inscription/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name="Mon inscription", exact=True)).to_be_visible()
    check_accessibility(page)
    page.get_by_label(re.compile(r"^L’IA nous rend-elle plus efficaces\s\?")).check()
    page.get_by_role("button", name="Enregistrer mon choix d’atelier").click()

    expect(page.get_by_text("Votre choix d’atelier est enregistré")).to_be_visible()
    assert registration.bookings.get().session.title == "L’IA nous rend-elle plus efficaces ?"
    screenshot(page, "registration-manage", full_page=True)

    page.get_by_label("Oui, j’annule mon inscription").check()
    page.get_by_role("button", name="Annuler mon inscription").click()

    expect(page.get_by_text("Votre inscription est annulée.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    check_accessibility(page)


def test_form_with_errors_is_accessible_and_names_each_error(
    live_server, demo, page, check_accessibility, screenshot
):
    page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/inscription/")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("radio", name="En ligne").check()
    page.get_by_label(re.compile(r"^IA et aide à la décision")).check()
    page.get_by_role("button", name="S’inscrire").click()

    summary = page.get_by_role("alert")
    assert "Votre formulaire contient des erreurs" in summary.text_content()
    email = page.get_by_label("Adresse e-mail")
    assert email.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_email_error").text_content() == (
        "Saisissez une adresse e-mail valide."
    )
    assert "uniquement en présentiel" in summary.text_content()
    # Focus on the summary (read out, the keyboard starts there), and the title says so.
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert page.title().startswith("Erreurs dans le formulaire – ")
    check_accessibility(page)
    screenshot(page, "registration-errors", full_page=True)
    assert not Registration.objects.exists()


def test_form_is_usable_at_phone_width(live_server, demo, phone_page, check_accessibility):
    phone_page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/inscription/")

    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(phone_page.get_by_role("button", name="S’inscrire")).to_be_visible()
    check_accessibility(phone_page)
