"""Reads for "Mon parcours": one person's registrations across the tour, by e-mail address."""

from dataclasses import dataclass

from django.utils import timezone

from events.models import Stop
from events.selectors import current_tour

from . import certificates
from .models import Registration
from .tokens import day_is_over, make_token

# What the registration form takes from the person's latest registration.
PREFILLED_FIELDS = ("first_name", "last_name", "organisation", "job_title", "category", "phone")


@dataclass
class Entry:
    """One registration as "Mon parcours" shows it."""

    registration: Registration
    token: str
    has_certificate: bool = False

    @property
    def stop(self):
        return self.registration.stop


@dataclass
class MyTour:
    upcoming: list
    past: list
    season: object  # the current Tour, or None
    attended_this_season: int
    next_stop: object  # the next Stop open for registration they are not registered to


def my_tour(email, *, now=None):
    """Everything the "Mon parcours" page shows for ``email``, in a fixed number of queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    registrations = list(
        Registration.objects.filter(email__iexact=email)
        .select_related("stop", "stop__tour")
        .order_by("stop__date", "pk")
    )
    upcoming, past = [], []
    for registration in registrations:
        entry = Entry(registration, make_token(registration))
        if day_is_over(registration.stop, now):
            entry.has_certificate = _has_certificate(registration, now)
            past.insert(0, entry)
        else:
            upcoming.append(entry)
    season = current_tour(today)
    registered = [r.stop_id for r in registrations if r.status != Registration.Status.CANCELLED]
    next_stop = (
        Stop.objects.published()
        .upcoming(today)
        .filter(registration_opens_at__lte=now, registration_closes_at__gt=now)
        .exclude(pk__in=registered)
        .first()
    )
    return MyTour(
        upcoming=upcoming,
        past=past,
        season=season,
        attended_this_season=len(
            {
                r.stop_id
                for r in registrations
                if r.checked_in_at
                and r.status != Registration.Status.CANCELLED
                and season is not None
                and r.stop.tour_id == season.pk
            }
        ),
        next_stop=next_stop,
    )


def _has_certificate(registration, now):
    try:
        certificates.check_issuable(registration, now=now)
    except certificates.CertificateRefused:
        return False
    return True


def prefilled_details(email):
    """The details of ``email``'s latest registration, for a new registration form."""
    latest = (
        Registration.objects.filter(email__iexact=email)
        .order_by("-created_at", "-pk")
        .values(*PREFILLED_FIELDS)
        .first()
    )
    return {"email": email, **(latest or {})}
