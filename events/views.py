from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from . import selectors
from .calendars import stop_programme_calendar
from .models import Stop

PROGRAMME_CACHE_SECONDS = 24 * 3600


def home(request):
    today = timezone.localdate()
    tour = selectors.current_tour(today)
    stops = list(tour.stops.published().order_by("date")) if tour else []
    now = timezone.now()
    for stop in stops:
        stop.registration_state = registration_state(stop, now)
    return render(
        request,
        "events/home.html",
        {
            "tour": tour,
            "upcoming_stops": [stop for stop in stops if stop.date >= today],
            "past_stops": [stop for stop in reversed(stops) if stop.date < today],
        },
    )


def registration_state(stop, now):
    """What the registration call to action says: not_open_yet, open, full or closed."""
    window = stop.registration_window(now)
    if window == "open" and stop.is_full:
        return "full"
    return window


def _programme_html(stop):
    """The programme, access, contacts and partners, rendered once per content version.

    The key holds the content version (see ``selectors.stop_page_queryset``): any edit, and
    any booking (it changes a seat count), makes a new key, so the seats left are exact.
    """
    key = f"stop-programme:{stop.pk}:{get_language()}:{selectors.programme_version(stop)}"
    html = cache.get(key)
    if html is None:
        full = Stop.objects.with_programme().get(pk=stop.pk)
        html = render_to_string(
            "events/includes/stop_programme.html",
            {
                "stop": full,
                "days": selectors.programme_days(full.sessions.all()),
                "contacts": selectors.stop_contacts(full),
                "partners": list(full.partners.all()),
            },
        )
        cache.set(key, html, PROGRAMME_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our own template, autoescaped


def stop_detail(request, slug):
    stop = get_object_or_404(selectors.stop_page_queryset(), slug=slug)
    return render(
        request,
        "events/stop_detail.html",
        {
            "stop": stop,
            "programme": _programme_html(stop),
            "registration_state": registration_state(stop, timezone.now()),
            "today": timezone.localdate(),
        },
    )


def stop_calendar(request, slug):
    stop = get_object_or_404(Stop.objects.published().with_programme(), slug=slug)
    body = stop_programme_calendar(stop, request.build_absolute_uri(stop.get_absolute_url()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intercotour-{stop.slug}.ics"'
    return response


def accessibility(request):
    return render(request, "events/accessibility.html")
