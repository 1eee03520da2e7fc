"""Files the web expects at the root: sitemap.xml, robots.txt, favicons and the share image."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import get_resolver
from django.utils import timezone
from PIL import Image

from events.models import RESERVED_SLUGS, Stop
from tests.factories import SessionFactory, SessionSpeakerFactory, StopFactory

pytestmark = pytest.mark.django_db

SITE = "https://intercotour.example"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


def sitemap(client):
    response = client.get("/sitemap.xml")
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {
        url.find("s:loc", NS).text: getattr(url.find("s:lastmod", NS), "text", None)
        for url in root.findall("s:url", NS)
    }


def test_sitemap_lists_public_pages_published_stops_and_their_speakers(client):
    published = SessionSpeakerFactory(speaker__slug="anne-abel").session.stop
    draft = StopFactory(status=Stop.Status.DRAFT)
    cancelled = StopFactory(status=Stop.Status.CANCELLED)
    SessionSpeakerFactory(session=SessionFactory(stop=draft), speaker__slug="cachee")

    urls = sitemap(client)

    assert list(urls) == [
        f"{SITE}/",
        f"{SITE}/intervenants/",
        f"{SITE}/accessibilite/",
        f"{SITE}/confidentialite/",
        f"{SITE}/{published.slug}/",
        f"{SITE}/intervenants/anne-abel/",
    ]
    # The day of the last change in the site's time zone (around midnight, not UTC's).
    assert urls[f"{SITE}/{published.slug}/"] == f"{timezone.localdate(published.updated_at)}"
    assert not any(stop.slug in url for url in urls for stop in (draft, cancelled))


@pytest.mark.parametrize("stops", [2, 25])
def test_sitemap_query_count_does_not_grow(client, django_assert_num_queries, stops):
    for _ in range(stops):
        SessionSpeakerFactory()

    # Stops and speakers, each read for the list and again for the latest change.
    with django_assert_num_queries(4):
        urls = sitemap(client)

    assert len(urls) == 4 + 2 * stops


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for private in ["/admin/", "/espace-intervenant/", "/inscription/", "/langue/"]:
        assert f"Disallow: {private}" in lines
    assert "Disallow: /" not in lines  # the programme stays open to search engines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_favicons_and_share_image_are_served_from_our_static_files(client):
    page = client.get("/").text

    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.ico"
    for name, size in [("favicon.ico", (48, 48)), ("img/apple-touch-icon.png", (180, 180))]:
        with Image.open(finders.find(name)) as image:
            assert image.size == size, name
    with Image.open(finders.find("img/share.png")) as image:
        assert image.size == (1200, 630)  # what Open Graph and Twitter cards expect
    assert Path(finders.find("img/share.png")).stat().st_size < 100_000
    assert Path(finders.find("favicon.svg")).read_text().startswith("<svg")


@pytest.mark.parametrize("path", ["/sitemap.xml", "/robots.txt", "/favicon.ico"])
def test_root_files_are_not_taken_for_a_stop(client, path):
    StopFactory(slug="robots")

    response = client.get(path)

    assert response.status_code in (200, 302)
    assert "Page introuvable" not in response.content.decode()


def test_every_top_level_path_a_stop_slug_could_take_is_reserved():
    first_segments = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            else:
                first_segments.add(route.lstrip("^").split("/")[0])

    walk(get_resolver().url_patterns)

    slug_shaped = {segment for segment in first_segments if re.fullmatch(r"[-\w]+", segment)}
    assert {"tournee", "healthz", "intervenants"} <= slug_shaped
    assert slug_shaped - RESERVED_SLUGS == set()
