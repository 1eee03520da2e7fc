"""Every kind of page, public and back-office, runs under the CSP without a single violation."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from demo.data import DEMO_COPY_SLUG, load_demo
from events.models import Stop
from registrations import services
from registrations.tokens import make_token
from speakers.models import Speaker
from speakers.services import sign_in_token
from tests.factories import registration_details

# Records violations as the page sees them, from its very first script on.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def site(transactional_db, settings, live_server):
    settings.SITE_URL = live_server.url
    settings.REGISTRATION_RATE_LIMIT = ""
    load_demo()
    stop = Stop.objects.get(slug=DEMO_COPY_SLUG)
    workshop = stop.sessions.filter(capacity__isnull=False).order_by("pk").first()
    registration, _ = services.register(
        stop=stop, workshops=[workshop], **registration_details(organisation="Ville de Sète")
    )
    speaker = Speaker.objects.get(last_name="Clément")
    get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-Passw0rd")
    return {"stop": stop, "workshop": workshop, "registration": registration, "speaker": speaker}


@pytest.fixture
def watched_page(page):
    """The page, with every CSP violation (event or console report) collected."""
    page.add_init_script(LISTEN)
    page.csp_console = []
    page.on(
        "console",
        lambda message: (
            page.csp_console.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations") + page.csp_console
    assert violations == [], f"CSP violations on {url}: {violations}"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    return response


def test_public_pages_and_speakers_area_run_without_csp_violation(live_server, site, watched_page):
    page, stop = watched_page, site["stop"]
    for path in [
        "/",
        stop.get_absolute_url(),
        "/intervenants/",
        site["speaker"].get_absolute_url(),
        f"/{stop.slug}/inscription/",
        reverse("registrations:manage", args=[make_token(site["registration"])]),
        "/espace-intervenant/",
    ]:
        response = visit(page, live_server.url + path)
        assert response.headers["permissions-policy"].startswith("camera=(), ")

    sign_in = reverse("speaker_portal:sign_in", args=[sign_in_token(site["speaker"])])
    visit(page, live_server.url + sign_in)
    page.get_by_role("button", name="Se connecter").click()
    expect(
        page.get_by_role("heading", name="Interventions de Jean-Philippe Clément")
    ).to_be_visible()
    visit(page, page.url)
    visit(page, live_server.url + reverse("speaker_portal:profile"))


def test_admin_pages_run_without_csp_violation(live_server, site, watched_page):
    page, stop, workshop = watched_page, site["stop"], site["workshop"]
    login = visit(page, live_server.url + "/admin/login/")
    assert "camera=(self)" in login.headers["permissions-policy"]
    page.get_by_label("Nom d’utilisateur").fill("boss")
    page.get_by_label("Mot de passe").fill("a-long-Passw0rd")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    for name, args in [
        ("admin:index", []),
        ("admin:registrations_registration_changelist", []),
        ("admin:events_stop_changelist", []),
        ("admin:events_stop_change", [stop.pk]),
        ("admin:speakers_speaker_change", [site["speaker"].pk]),
        ("admin:registrations_registration_change", [site["registration"].pk]),
        ("admin:events_stop_dashboard", [stop.pk]),
        ("admin:events_stop_check_in", [stop.pk]),
        ("admin:events_stop_message", [stop.pk]),
        ("admin:events_stop_badges", [stop.pk]),
        ("admin:events_stop_attendance", [stop.pk, workshop.pk]),
    ]:
        visit(page, live_server.url + reverse(name, args=args))

    # The check-in desk's search, then the duplicate form reached through the stops' action.
    visit(page, live_server.url + reverse("admin:events_stop_check_in", args=[stop.pk]))
    page.get_by_label("Rechercher par nom ou organisme").fill("Sète")
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_role("button", name="Enregistrer l’arrivée", exact=True).count() == 1
    visit(page, page.url)
    visit(page, live_server.url + reverse("admin:events_stop_changelist"))
    page.locator(f"input[name=_selected_action][value='{stop.pk}']").check()
    page.locator("select[name=action]").select_option("duplicate")
    page.locator("button[name=index]").click()
    page.get_by_role("button", name="Créer l’étape brouillon").wait_for()
    assert page.evaluate("window.__cspViolations") + page.csp_console == []


def test_print_button_of_the_attendance_sheet_works_without_inline_handler(
    live_server, site, watched_page
):
    page = watched_page
    page.add_init_script("window.print = () => { window.__printed = true; };")
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("boss")
    page.get_by_label("Mot de passe").fill("a-long-Passw0rd")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    url = reverse("admin:events_stop_attendance", args=[site["stop"].pk, site["workshop"].pk])

    visit(page, live_server.url + url)
    page.get_by_role("button", name="Imprimer").click()

    assert page.evaluate("window.__printed") is True
    header = page.locator("table.sheet th").first
    assert header.evaluate("cell => getComputedStyle(cell).borderTopStyle") == "solid"


def test_violation_listener_reports_an_inline_style(live_server, site, watched_page):
    """Negative control: the listener above does see what the policy blocks."""
    page = watched_page
    page.goto(live_server.url + "/")

    page.evaluate(
        """() => { const style = document.createElement("style");
                   style.textContent = "body { color: red }"; document.head.append(style); }"""
    )
    page.wait_for_function("window.__cspViolations.length > 0")

    assert page.evaluate("window.__cspViolations")[0].startswith("style-src")


def test_staff_enrols_two_factor_from_the_qr_page_without_csp_violation(
    live_server, site, watched_page, settings, screenshot
):
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_REQUIRE_2FA = True
    page = watched_page
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("boss")
    page.get_by_label("Mot de passe").fill("a-long-Passw0rd")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/double-authentification/activer/**")

    visit(page, page.url)
    expect(page.locator(".two-factor__qr svg")).to_be_visible()
    screenshot(page, "two-factor-enrolment")
    device = TOTPDevice.objects.get(user__username="boss")
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    page.get_by_label("Code à six chiffres").fill(f"{token:06d}")
    page.get_by_role("button", name="Activer la double authentification").click()

    page.wait_for_url(f"{live_server.url}/admin/")
    expect(page.get_by_text("La double authentification est activée")).to_be_visible()
    assert page.evaluate("window.__cspViolations") + page.csp_console == []


def test_lockout_page_runs_without_csp_violation(live_server, site, watched_page):
    page = watched_page
    for _ in range(5):
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Nom d’utilisateur").fill("boss")
        page.get_by_label("Mot de passe").fill("wrong")
        page.get_by_role("button", name="Connexion").click()

    expect(page.get_by_text("Ce compte est bloqué depuis votre connexion")).to_be_visible()
    assert page.evaluate("window.__cspViolations") + page.csp_console == []
