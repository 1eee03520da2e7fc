"""The programme's calendar feeds beyond the stop's own: the whole tour, and one session."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .calendars import session_calendar, tour_calendar
from .models import Session, Stop


def calendar_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def tour_feed(request, slug):
    """The published stops of a tour, one event per day: the tour's webcal subscription."""
    stops = list(Stop.objects.published().filter(tour__slug=slug).select_related("tour"))
    if not stops:  # an unknown tour, or one with nothing published yet: nothing to reveal
        raise Http404(_("This tour has no published stop."))
    return calendar_response(tour_calendar(stops[0].tour, stops), f"intercotour-{slug}.ics")


def session_feed(request, slug, session_id):
    """One session of a published stop, for "add to my calendar"."""
    session = get_object_or_404(
        Session.objects.filter(stop__slug=slug, stop__status=Stop.Status.PUBLISHED)
        .select_related("stop")
        .prefetch_related("session_speakers__speaker"),
        pk=session_id,
    )
    return calendar_response(session_calendar(session), f"intercotour-{slug}-{session.pk}.ics")
