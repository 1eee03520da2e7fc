"""The frab schedule exports of a published stop, rendered once per content version."""

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.http_cache import public_page
from events.page_cache import SITE, cached_page, versions

from . import frab, selectors

XML_TYPE = "application/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"


class StopNotFound(Http404):
    pass


def _document(slug, version):
    """The frab document of the stop ``slug``, and until when it holds by itself: the end of
    the day, when the replays and documents appear (None once the day is over)."""
    stop = selectors.published_stop_with_sessions(slug)
    if stop is None:
        raise StopNotFound
    now = timezone.now()
    return frab.schedule(stop, version=version, now=now), (
        None if stop.is_over(now) else stop.ends_at
    )


@public_page(lambda slug: versions(SITE))
def schedule_xml(request, slug):
    version = versions(SITE)

    def render():
        url = frab.absolute_url(reverse("opendata:schedule_xml", kwargs={"slug": slug}))
        document, valid_until = _document(slug, version)
        return frab.to_xml(document, url=url), valid_until

    response = cached_page(request, f"frab-xml:{slug}", version, render)
    response["Content-Type"] = XML_TYPE
    return response


@public_page(lambda slug: versions(SITE))
def schedule_json(request, slug):
    version = versions(SITE)

    def render():
        document, valid_until = _document(slug, version)
        return frab.to_json(document), valid_until

    try:
        response = cached_page(request, f"frab-json:{slug}", version, render)
    except StopNotFound:
        return JsonResponse({"detail": _("No published stop at this address.")}, status=404)
    response["Content-Type"] = JSON_TYPE
    return response


def api_not_found(request):
    """Any other address under /api/: a JSON answer, as from the API itself."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
