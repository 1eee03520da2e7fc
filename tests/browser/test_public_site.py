"""The public site in a real browser: accessibility (axe-core), phone width, print."""

import pytest
from playwright.sync_api import expect

from demo.data import DEMO_COPY_SLUG, MONTPELLIER_SLUG, load_demo
from speakers.models import Speaker


@pytest.fixture
def demo(transactional_db):
    load_demo()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        f"/{MONTPELLIER_SLUG}/",
        f"/{DEMO_COPY_SLUG}/",
        "/intervenants/",
        "/intervenants/jean-philippe-clement/",
        "/accessibilite/",
        "/tournee/intercotour-2023-2024/",
        "/page-inconnue/",
    ],
)
def test_public_pages_have_no_axe_violation(live_server, demo, page, check_accessibility, path):
    page.goto(live_server.url + path)

    check_accessibility(page)
    assert page.locator("h1").count() == 1
    assert page.locator("html").get_attribute("lang") == "fr"


def test_public_pages_have_no_axe_violation_in_english(
    live_server, demo, page, check_accessibility
):
    page.goto(f"{live_server.url}/{MONTPELLIER_SLUG}/")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Programme of the day")).to_be_visible()
    check_accessibility(page)


def test_skip_link_is_the_first_focus_and_leads_to_the_content(live_server, demo, page):
    page.goto(f"{live_server.url}/{MONTPELLIER_SLUG}/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    expect(page.locator("a.skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_stop_page_at_phone_width_stacks_parallel_workshops(
    live_server, demo, phone_page, check_accessibility, screenshot
):
    phone_page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, "the page scrolls sideways at 320 px"
    boxes = [box.bounding_box() for box in phone_page.locator(".slot--parallel .session").all()]
    assert len(boxes) == 3
    assert boxes[0]["x"] == boxes[1]["x"] == boxes[2]["x"]  # stacked, not side by side
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
    check_accessibility(phone_page)
    screenshot(phone_page, "stop-page-phone", full_page=True)


def test_stop_page_on_desktop_shows_workshops_side_by_side(live_server, demo, page, screenshot):
    page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/")

    boxes = [box.bounding_box() for box in page.locator(".slot--parallel .session").all()]
    assert boxes[0]["y"] == boxes[1]["y"] == boxes[2]["y"]
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]
    screenshot(page, "stop-page-desktop", full_page=True)


def test_stop_page_at_200_percent_zoom_does_not_scroll_sideways(live_server, demo, browser):
    # 200 % zoom of a 1280 px window is a 640 px wide CSS viewport at scale 2.
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 640
    finally:
        context.close()


def test_printed_stop_page_is_a_clean_programme(live_server, demo, page, screenshot):
    page.goto(f"{live_server.url}/{DEMO_COPY_SLUG}/")
    page.emulate_media(media="print")

    expect(page.locator(".site-header")).not_to_be_visible()
    expect(page.locator(".site-footer")).not_to_be_visible()
    expect(page.locator(".language-switcher")).not_to_be_visible()
    expect(page.get_by_role("link", name="Ajouter le programme à mon agenda")).not_to_be_visible()
    expect(page.get_by_role("heading", name="Programme de la journée")).to_be_visible()
    expect(page.get_by_text("Yann Ferguson").first).to_be_visible()
    colour = page.evaluate("getComputedStyle(document.querySelector('.slot__time')).color")
    assert colour == "rgb(0, 0, 0)"
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF")
    screenshot(page, "stop-page-print", full_page=True)


def test_speaker_link_leads_to_all_their_sessions(live_server, demo, page):
    page.goto(f"{live_server.url}/{MONTPELLIER_SLUG}/")

    page.get_by_role("link", name="Manu Reynaud").first.click()

    assert page.get_by_role("heading", level=1).text_content() == "Manu Reynaud"
    speaker = Speaker.objects.get(last_name="Reynaud")
    assert page.url.endswith(speaker.get_absolute_url())
    assert page.locator(".speaker-sessions li").count() == 6  # 3 sessions at 2 stops


def test_accessibility_check_fails_on_a_page_with_a_violation(page, check_accessibility):
    """Negative control: the axe-core check does catch a violation."""
    page.set_content('<html><body><main><img src="logo.png"></main></body></html>')

    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
