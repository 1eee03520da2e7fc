import datetime

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import selectors
from .calendars import stop_programme_calendar
from .http_cache import public_page
from .models import Stop
from .page_cache import SEATS, SITE, cached_page, stop_page_version, versions


@public_page(lambda: versions(SITE, SEATS))
def home(request):
    today = timezone.localdate()
    tour = selectors.current_tour(today)
    stops = list(tour.stops.published().order_by("date")) if tour else []
    now = timezone.now()
    response = render(
        request,
        "events/home.html",
        {
            "tour": tour,
            "upcoming_stops": [stop for stop in stops if stop.date >= today],
            "past_stops": [stop for stop in reversed(stops) if stop.date < today],
        },
    )
    response.valid_until = min(filter(None, (_clock_boundary(s, now) for s in stops)), default=None)
    return response


def tour_detail(request, slug):
    """The tour's own page: its introduction, its manifesto, and where to follow its news."""
    stops = list(
        Stop.objects.published().filter(tour__slug=slug).select_related("tour").order_by("date")
    )
    if not stops:  # an unknown tour, or one with nothing published yet: nothing to reveal
        raise Http404(_("This tour has no published stop."))
    today = timezone.localdate()
    return render(
        request,
        "events/tour_detail.html",
        {
            "tour": stops[0].tour,
            "past_stops": [stop for stop in stops if stop.date < today],
            "upcoming_stops": [stop for stop in stops if stop.date >= today],
        },
    )


def _clock_boundary(stop, now):
    """The next time the stop page's wording changes by itself (opening, closing, the day)."""
    day_after = timezone.make_aware(
        datetime.datetime.combine(stop.date + datetime.timedelta(days=1), datetime.time())
    )
    upcoming = [
        moment
        for moment in (
            stop.registration_opens_at,
            stop.registration_closes_at,
            stop.ends_at,
            day_after,
        )
        if moment > now
    ]
    return min(upcoming, default=None)


@public_page(stop_page_version)
def stop_detail(request, slug):
    def render_page():
        stop = get_object_or_404(Stop.objects.published().with_programme(), slug=slug)
        now = timezone.now()
        today = timezone.localdate(now)
        day_over = stop.is_over(now)
        html = render_to_string(
            "events/stop_detail.html",
            {
                "stop": stop,
                "day_over": day_over,
                "restitutions": (
                    selectors.published_restitutions(stop.sessions.all()) if day_over else []
                ),
                "days": selectors.programme_days(stop.sessions.all()),
                "contacts": selectors.stop_contacts(stop),
                "partners": list(stop.partners.all()),
                "registration_state": stop.registration_state(now),
                "today": today,
            },
            request=request,
        )
        return html, _clock_boundary(stop, now)

    return cached_page(request, f"stop:{slug}", stop_page_version(slug), render_page)


@public_page(lambda slug: versions(SITE))
def stop_calendar(request, slug):
    stop = get_object_or_404(Stop.objects.published().with_calendar(), slug=slug)
    body = stop_programme_calendar(stop, request.build_absolute_uri(stop.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intercotour-{stop.slug}.ics"'
    return response


def health(request):
    """Liveness probe for load balancers and the benchmark's baseline: no database."""
    return HttpResponse("ok", content_type="text/plain")


@public_page(lambda: versions(SITE))
def accessibility(request):
    return render(request, "events/accessibility.html")


def switch_language(request, language):
    """Link-based language switch: public pages stay free of per-visitor CSRF tokens.

    Choosing a display language is harmless if forged, so a plain link is acceptable.
    """
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
        )
    return response
