"""Files the web expects at the root of a site: sitemap.xml, robots.txt, favicon.ico."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static

from events.sitemaps import PagesSitemap, StopSitemap
from speakers.sitemaps import SpeakerSitemap

SITEMAPS = {
    "pages": PagesSitemap(
        ["events:home", "speakers:speaker_list", "events:accessibility", "registrations:privacy"]
    ),
    "stops": StopSitemap(),
    "speakers": SpeakerSitemap(),
}


def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {"sitemap_url": f"{settings.SITE_URL}/sitemap.xml"},
        content_type="text/plain; charset=utf-8",
    )


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says.

    A temporary redirect: the static name changes (hashed) when the icon does.
    """
    return HttpResponseRedirect(static("favicon.ico"))
