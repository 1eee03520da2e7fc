"""The back-office fits a 1280 px laptop and a 768 px tablet, and its own pages pass axe."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from demo.data import DEMO_COPY_SLUG, load_demo
from events.models import Stop
from registrations import services
from registrations.models import Registration
from speakers.models import Speaker
from tests.factories import registration_details

LONG_NAME = "Anticonstitutionnellementpourlesbadgesetlesnomsquinefinissentjamais"

# Containers that Django lets scroll sideways inside the page: what they hide counts too.
CLIPPED = """() => [...document.querySelectorAll(
    '#changelist .results, .inline-group .tabular, fieldset.module, .dash-table, #content-main')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`)"""


@pytest.fixture
def day(transactional_db, live_server, settings):
    settings.SITE_URL = live_server.url
    load_demo()
    stop = Stop.objects.get(slug=DEMO_COPY_SLUG)
    workshop = stop.sessions.workshops().order_by("pk").first()
    registrations = [
        services.register(
            stop=stop,
            workshops=[workshop],
            **registration_details(
                last_name=LONG_NAME if n == 0 else "Delacroix-Montmorency",
                organisation="Communauté d’agglomération du Grand Montpellier Méditerranée",
                access_needs="Fauteuil roulant" if n == 0 else "",
            ),
        )[0]
        for n in range(6)
    ]
    user = get_user_model().objects.create_superuser("boss", "boss@example.org", "x-Passw0rd!")
    return {"stop": stop, "workshop": workshop, "registration": registrations[0], "user": user}


def signed_in_page(browser, live_server, user, width):
    """A browser page with the superuser's session cookie, as force_login would make it."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": width, "height": 900}
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": "django_language", "value": "fr", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def pages(day):
    stop, workshop = day["stop"], day["workshop"]
    speaker = Speaker.objects.get(last_name="Clément")
    return {
        "index": reverse("admin:index"),
        "stops": reverse("admin:events_stop_changelist"),
        "stop": reverse("admin:events_stop_change", args=[stop.pk]),
        "registrations": reverse("admin:registrations_registration_changelist"),
        "registration": reverse(
            "admin:registrations_registration_change", args=[day["registration"].pk]
        ),
        "sessions": reverse("admin:events_session_changelist"),
        "speakers": reverse("admin:speakers_speaker_changelist"),
        "speaker": reverse("admin:speakers_speaker_change", args=[speaker.pk]),
        "dashboard": reverse("admin:events_stop_dashboard", args=[stop.pk]),
        "check-in": reverse("admin:events_stop_check_in", args=[stop.pk]) + "?q=Delacroix",
        "messages": reverse("admin:events_stop_message", args=[stop.pk]),
        "duplicate": reverse("admin:events_stop_duplicate", args=[stop.pk]),
        "badges": reverse("admin:events_stop_badges", args=[stop.pk]),
        "attendance": reverse("admin:events_stop_attendance", args=[stop.pk, workshop.pk]),
        "attendance-day": reverse("admin:events_stop_attendance_day", args=[stop.pk]),
        "certificates": reverse("admin:events_stop_certificates", args=[stop.pk]),
    }


@pytest.mark.parametrize("width", [1280, 768])
def test_back_office_pages_fit_without_scrolling_sideways(
    browser, live_server, day, screenshot, width
):
    page = signed_in_page(browser, live_server, day["user"], width)
    problems = []
    for name, path in pages(day).items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        assert "Connexion" not in page.title(), name
        screenshot(page, f"backoffice-{name}-{width}", full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > page.evaluate("window.innerWidth"):
            problems.append(f"{name}: page {scroll_width} px wide")
        problems += [f"{name}: {clip}" for clip in page.evaluate(CLIPPED)]
    page.context.close()

    assert problems == []


@pytest.mark.parametrize("name", ["dashboard", "check-in"])
def test_the_desk_and_the_dashboard_fit_a_phone(browser, live_server, day, screenshot, name):
    services.check_in(registration=day["registration"])
    page = signed_in_page(browser, live_server, day["user"], 390)

    page.goto(live_server.url + pages(day)[name])
    page.wait_for_load_state("load")
    screenshot(page, f"backoffice-{name}-390", full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.context.close()


def test_admin_custom_pages_pass_axe(browser, live_server, day, check_accessibility):
    # One person arrived: the desk shows "Arrived at …" among those still expected.
    services.check_in(registration=Registration.objects.filter(last_name__startswith="Dela")[1])
    page = signed_in_page(browser, live_server, day["user"], 1280)
    urls = pages(day)
    for name in ("index", "dashboard", "check-in", "messages", "duplicate", "certificates"):
        page.goto(live_server.url + urls[name])
        page.wait_for_load_state("load")
        check_accessibility(page)
    page.context.close()
