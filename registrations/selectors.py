"""Reads for the organisers: a stop's figures, lists for the caterer and the venue."""

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from events.models import Session, Stop

from .models import Registration, WorkshopBooking

CONFIRMED = Registration.Status.CONFIRMED
WAITING = Registration.Status.WAITING
IN_PERSON = Registration.Mode.IN_PERSON


def stop_dashboard(stop):
    """Everything the stop's dashboard shows, in a fixed number of queries."""
    registrations = Registration.objects.filter(stop=stop)
    present = Q(status=CONFIRMED, mode=IN_PERSON)
    figures = registrations.aggregate(
        in_person=Count("pk", filter=present),
        waiting=Count("pk", filter=Q(status=WAITING)),
        online=Count("pk", filter=Q(status=CONFIRMED, mode=Registration.Mode.ONLINE)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        checked_in=Count("pk", filter=present & Q(checked_in_at__isnull=False)),
        walk_ins=Count("pk", filter=present & Q(walk_in=True)),
        lunch=Count("pk", filter=present & Q(lunch=True)),
        reduced_mobility=Count("pk", filter=present & Q(reduced_mobility=True)),
        hearing_loop=Count("pk", filter=present & Q(hearing_loop=True)),
    )
    labels = dict(Registration.Category.choices)
    by_category = [
        (labels.get(row["category"], row["category"]), row["n"])
        for row in registrations.active()
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("-n", "category")
    ]
    workshops = (
        Session.objects.filter(stop=stop)
        .workshops()
        .annotate(
            confirmed=Count("bookings", filter=Q(bookings__status=CONFIRMED)),
            waiting=Count("bookings", filter=Q(bookings__status=WAITING)),
        )
        .order_by("starts_at", "pk")
    )
    dietary = (
        registrations.filter(present, lunch=True)
        .exclude(dietary_requirements="")
        .values("dietary_requirements")
        .annotate(n=Count("pk"))
        .order_by("-n", "dietary_requirements")
    )
    access = (
        registrations.filter(present)
        .filter(Q(reduced_mobility=True) | Q(hearing_loop=True) | ~Q(access_needs=""))
        .order_by("last_name", "first_name")
    )
    return {
        **figures,
        "capacity": stop.capacity,
        "places_left": max(stop.capacity - stop.seats_taken, 0),
        "by_category": by_category,
        "workshops": list(workshops),
        "dietary": list(dietary),
        "access": list(access),
    }


def registrations_for_export(stop):
    """All the stop's registrations with their workshops, for streaming in chunks."""
    return (
        Registration.objects.filter(stop=stop)
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=WorkshopBooking.objects.select_related("session").order_by(
                    "session__starts_at"
                ),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def workshop_attendees(session):
    return (
        Registration.objects.filter(
            bookings__session=session, bookings__status=WorkshopBooking.Status.CONFIRMED
        )
        .filter(status=CONFIRMED, mode=IN_PERSON)
        .order_by("last_name", "first_name")
    )


def badges(stop):
    """Confirmed in-person attendees with their confirmed workshops, for the badge sheet."""
    return (
        Registration.objects.filter(stop=stop)
        .expected_in_person()
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=WorkshopBooking.objects.confirmed().select_related("session"),
            )
        )
        .order_by("last_name", "first_name")
    )


def check_in_search(stop, query, limit=30):
    """Confirmed in-person registrants matching ``query`` (name or organisation)."""
    registrations = Registration.objects.filter(stop=stop).expected_in_person()
    for word in query.split()[:5]:
        registrations = registrations.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(organisation__icontains=word)
        )
    return _with_confirmed_workshops(registrations.order_by("last_name", "first_name")[:limit])


def _with_confirmed_workshops(registrations):
    return registrations.prefetch_related(
        Prefetch(
            "bookings",
            queryset=WorkshopBooking.objects.confirmed()
            .select_related("session")
            .order_by("session__starts_at"),
        )
    )


def desk_registration(registration):
    """One registrant as the desk shows them after a scan: workshops and access needs."""
    return _with_confirmed_workshops(Registration.objects.filter(pk=registration.pk)).first()


def message_recipients(*, stop, workshop=None):
    """Confirmed registrants of the stop, or those with a confirmed seat in ``workshop``."""
    recipients = Registration.objects.filter(stop=stop, status=CONFIRMED).exclude(email="")
    if workshop is not None:
        recipients = recipients.filter(
            bookings__session=workshop, bookings__status=WorkshopBooking.Status.CONFIRMED
        )
    return recipients.order_by("pk")


def seat_drift(stop, workshops):
    """Seat counters that differ from the rows: ``[(obj, label, stored, counted), ...]``.

    ``workshops`` are the stop's workshops (the services pass them locked).
    """
    counted = Registration.objects.filter(stop=stop).expected_in_person().count()
    drift = [(stop, str(stop), stop.seats_taken, counted)] if counted != stop.seats_taken else []
    booked = dict(
        WorkshopBooking.objects.confirmed()
        .filter(session__in=workshops)
        .values("session")
        .annotate(n=Count("pk"))
        .values_list("session", "n")
    )
    for workshop in workshops:
        if booked.get(workshop.pk, 0) != workshop.seats_taken:
            drift.append(
                (workshop, workshop.title, workshop.seats_taken, booked.get(workshop.pk, 0))
            )
    return drift


def stops_seat_drift(stops):
    """``{stop: [(label, stored, counted), ...]}`` for the stops whose counters drifted."""
    report = {}
    for stop in Stop.objects.filter(pk__in=[stop.pk for stop in stops]).order_by("date", "pk"):
        workshops = list(Session.objects.filter(stop=stop).workshops().order_by("pk"))
        drift = seat_drift(stop, workshops)
        if drift:
            report[stop] = [(label, stored, counted) for _obj, label, stored, counted in drift]
    return report


def possible_duplicates(stop, *, first_name, last_name):
    """Active registrations of ``stop`` under the same name (any case): a walk-in twice?"""
    return (
        Registration.objects.active()
        .filter(
            stop=stop, first_name__iexact=first_name.strip(), last_name__iexact=last_name.strip()
        )
        .order_by("pk")
    )


def upcoming_days(today=None):
    """The admin home: the next days (not cancelled), their fill and waiting lists, one query."""
    today = today or timezone.localdate()
    return list(
        Stop.objects.filter(date__gte=today)
        .exclude(status=Stop.Status.CANCELLED)
        .select_related("tour")
        .annotate(
            in_person=Count(
                "registrations",
                filter=Q(registrations__status=CONFIRMED, registrations__mode=IN_PERSON),
            ),
            online=Count(
                "registrations",
                filter=Q(
                    registrations__status=CONFIRMED,
                    registrations__mode=Registration.Mode.ONLINE,
                ),
            ),
            waiting=Count("registrations", filter=Q(registrations__status=WAITING)),
        )
        .order_by("date", "pk")
    )
