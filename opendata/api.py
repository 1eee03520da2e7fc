"""The read-only JSON API under /api/v1/: tours, published stops, sessions, speakers.

GET only (other methods answer 405). Every list is paginated (``page``, ``page_size`` ≤ 100)
and filterable by tour and date. Answers are rendered once per content version and served from
the page cache (``events.page_cache``), so a list costs no SQL query on a hit. Errors answer in
JSON with a French ``detail``: 400 for a malformed parameter, 404 for what does not exist.
"""

import datetime
import hashlib
import re
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Path, Query, Swagger
from ninja.decorators import decorate_view
from ninja.errors import HttpError, ValidationError
from pydantic import BeforeValidator

from events.http_cache import public_page
from events.models import Session, Stop, Tour
from events.page_cache import SEATS, SITE, cached_page, versions
from speakers.models import SessionSpeaker, Speaker

from . import records, schemas
from .pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, paginate
from .selectors import line_ups

SLUG = r"^[-a-zA-Z0-9_]+$"


def _iso_only(value):
    """Dates as YYYY-MM-DD only (pydantic would also take "0" as 1970-01-01)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("YYYY-MM-DD")
    return value


Date = Annotated[datetime.date, BeforeValidator(_iso_only)]
ERRORS = {400: schemas.Error, 404: schemas.Error}
# HTTP validators and Cache-Control for every answer (the sessions show seats left).
HTTP_CACHE = decorate_view(public_page(lambda **url: versions(SITE, SEATS)))

api = NinjaAPI(
    title="IntercoTOUR – API ouverte",
    version="1",
    description=(
        "Le programme public de l’IntercoTOUR en lecture seule : tournées, étapes publiées, "
        "sessions (avec leurs intervenants et, pour les ateliers, les places restantes) et "
        "intervenants. Aucune donnée personnelle. Pages de 100 résultats au plus."
    ),
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs/",
)


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    names = sorted({str(error["loc"][-1]) for error in exc.errors})
    detail = ngettext(
        "Invalid parameter: %(names)s.", "Invalid parameters: %(names)s.", len(names)
    ) % {"names": ", ".join(names)}
    return api.create_response(request, {"detail": detail}, status=400)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def _cached(request, version, schema, build, valid_until=lambda: None):
    """The answer for this exact address at ``version``, rendered once (see page_cache).

    ``valid_until()``, asked after ``build()``: until when the answer holds by itself (an
    answer that changes with the clock, such as a session's documents once its day is over).
    """

    def render():
        body = schema.model_validate(build()).model_dump_json()
        return body, valid_until()

    name = "api:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    response = cached_page(request, name, version, render)
    response["Content-Type"] = "application/json; charset=utf-8"
    return response


Page = Query(1, ge=1, description="Numéro de page, à partir de 1.")
PageSize = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Résultats par page.")
TourSlug = Query(None, pattern=SLUG, description="Slug d’une tournée.")
StopSlug = Query(None, pattern=SLUG, description="Slug d’une étape publiée.")
OnDate = Query(None, description="Ce jour-là (AAAA-MM-JJ).")
DateFrom = Query(None, description="À partir de ce jour inclus.")
DateTo = Query(None, description="Jusqu’à ce jour inclus.")
KindFilter = Query(None, description="Genre de session.")


def _public_tours():
    return Tour.objects.filter(pk__in=Stop.objects.published().values("tour_id")).order_by(
        "-created_at", "pk"
    )


def _check_tour(tour):
    if tour is not None and not _public_tours().filter(slug=tour).exists():
        raise HttpError(404, _("No tour “%(slug)s”.") % {"slug": tour})


def _check_stop(stop):
    if stop is not None and not Stop.objects.published().filter(slug=stop).exists():
        raise HttpError(404, _("No published stop “%(slug)s”.") % {"slug": stop})


def _dated(queryset, field, date, date_from, date_to):
    bounds = {field: date, f"{field}__gte": date_from, f"{field}__lte": date_to}
    return queryset.filter(**{key: value for key, value in bounds.items() if value is not None})


@api.get(
    "/tours",
    response={200: schemas.TourPage, **ERRORS},
    summary="Liste des tournées",
    tags=["tournées"],
)
@HTTP_CACHE
def list_tours(request, page: int = Page, page_size: int = PageSize):
    """Les tournées qui ont au moins une étape publiée, la plus récente d’abord."""

    def build():
        return paginate(
            request, _public_tours(), page=page, page_size=page_size, record=records.tour
        )

    return _cached(request, versions(SITE), schemas.TourPage, build)


@api.get(
    "/tours/{slug}",
    response={200: schemas.Tour, **ERRORS},
    summary="Une tournée",
    tags=["tournées"],
)
@HTTP_CACHE
def get_tour(request, slug: str = Path(..., pattern=SLUG)):
    """Une tournée."""

    def build():
        tour = _public_tours().filter(slug=slug).first()
        if tour is None:
            raise HttpError(404, _("No tour “%(slug)s”.") % {"slug": slug})
        return records.tour(tour)

    return _cached(request, versions(SITE), schemas.Tour, build)


@api.get(
    "/stops",
    response={200: schemas.StopPage, **ERRORS},
    summary="Liste des étapes",
    tags=["étapes"],
)
@HTTP_CACHE
def list_stops(
    request,
    tour: str | None = TourSlug,
    date: Date | None = OnDate,
    date_from: Date | None = DateFrom,
    date_to: Date | None = DateTo,
    page: int = Page,
    page_size: int = PageSize,
):
    """Les étapes publiées, par date."""

    def build():
        _check_tour(tour)
        stops = Stop.objects.published().select_related("tour").order_by("date", "pk")
        if tour is not None:
            stops = stops.filter(tour__slug=tour)
        stops = _dated(stops, "date", date, date_from, date_to)
        return paginate(request, stops, page=page, page_size=page_size, record=records.stop)

    return _cached(request, versions(SITE), schemas.StopPage, build)


@api.get(
    "/stops/{slug}", response={200: schemas.Stop, **ERRORS}, summary="Une étape", tags=["étapes"]
)
@HTTP_CACHE
def get_stop(request, slug: str = Path(..., pattern=SLUG)):
    """Une étape publiée."""

    def build():
        stop = Stop.objects.published().select_related("tour").filter(slug=slug).first()
        if stop is None:
            raise HttpError(404, _("No published stop “%(slug)s”.") % {"slug": slug})
        return records.stop(stop)

    return _cached(request, versions(SITE), schemas.Stop, build)


@api.get(
    "/sessions",
    response={200: schemas.SessionPage, **ERRORS},
    summary="Liste des sessions",
    tags=["sessions"],
)
@HTTP_CACHE
def list_sessions(
    request,
    tour: str | None = TourSlug,
    stop: str | None = StopSlug,
    date: Date | None = OnDate,
    date_from: Date | None = DateFrom,
    date_to: Date | None = DateTo,
    kind: Session.Kind | None = KindFilter,
    page: int = Page,
    page_size: int = PageSize,
):
    """Les sessions des étapes publiées, dans l’ordre du programme, avec leurs intervenants.

    Pour un atelier, `seats` et `seats_left` donnent les places et les places restantes. Une
    fois la journée terminée, `documents` et `replay_url` donnent les documents des
    intervenants et le lien du replay.
    """
    now = timezone.now()
    days_to_end = set()  # the ends of the days listed that are not over yet

    def record(session):
        if not session.stop.is_over(now):
            days_to_end.add(session.stop.ends_at)
        return records.session(session, now)

    def build():
        _check_tour(tour)
        _check_stop(stop)
        sessions = (
            Session.objects.filter(stop__status=Stop.Status.PUBLISHED)
            .select_related("stop")
            .prefetch_related(line_ups(), "documents")
            .order_by("stop__date", "starts_at", "ends_at", "pk")
        )
        filters = {"stop__tour__slug": tour, "stop__slug": stop, "kind": kind}
        sessions = sessions.filter(**{k: v for k, v in filters.items() if v is not None})
        sessions = _dated(sessions, "starts_at__date", date, date_from, date_to)
        return paginate(request, sessions, page=page, page_size=page_size, record=record)

    return _cached(
        request,
        versions(SITE, SEATS),
        schemas.SessionPage,
        build,
        valid_until=lambda: min(days_to_end, default=None),
    )


def _public_speakers(**filters):
    line_ups = SessionSpeaker.objects.filter(session__stop__status=Stop.Status.PUBLISHED)
    line_ups = line_ups.filter(**{k: v for k, v in filters.items() if v is not None})
    return Speaker.objects.filter(pk__in=line_ups.values("speaker_id")).order_by(
        "last_name", "first_name", "pk"
    )


@api.get(
    "/speakers",
    response={200: schemas.SpeakerPage, **ERRORS},
    summary="Liste des intervenants",
    tags=["intervenants"],
)
@HTTP_CACHE
def list_speakers(
    request,
    tour: str | None = TourSlug,
    stop: str | None = StopSlug,
    date_from: Date | None = DateFrom,
    date_to: Date | None = DateTo,
    page: int = Page,
    page_size: int = PageSize,
):
    """Les intervenants des étapes publiées, par nom."""

    def build():
        _check_tour(tour)
        _check_stop(stop)
        speakers = _public_speakers(
            session__stop__tour__slug=tour,
            session__stop__slug=stop,
            session__stop__date__gte=date_from,
            session__stop__date__lte=date_to,
        )
        return paginate(request, speakers, page=page, page_size=page_size, record=records.speaker)

    return _cached(request, versions(SITE), schemas.SpeakerPage, build)


@api.get(
    "/speakers/{slug}",
    response={200: schemas.Speaker, **ERRORS},
    summary="Un intervenant",
    tags=["intervenants"],
)
@HTTP_CACHE
def get_speaker(request, slug: str = Path(..., pattern=SLUG)):
    """Un intervenant d’une étape publiée."""

    def build():
        speaker = _public_speakers().filter(slug=slug).first()
        if speaker is None:
            raise HttpError(404, _("No speaker “%(slug)s”.") % {"slug": slug})
        return records.speaker(speaker)

    return _cached(request, versions(SITE), schemas.Speaker, build)
