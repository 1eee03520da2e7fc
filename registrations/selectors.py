"""Reads for the organisers: a stop's figures, lists for the caterer and the venue; and what
someone who has just registered got."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from events.models import Session, Stop

from .models import RATINGS, Registration, SessionRating, SurveyResponse, WorkshopBooking

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


def message_recipients(*, stop, audience="confirmed", workshop=None):
    """The registrants of ``stop`` a message to ``audience`` goes to (with an e-mail).

    Audiences (``Message.Audience``): everyone confirmed, confirmed in person, confirmed
    online, the day's waiting list, or one ``workshop``'s confirmed attendees or waiting list.
    """
    from .models import Message

    Audience = Message.Audience
    recipients = Registration.objects.filter(stop=stop).exclude(email="")
    if workshop is not None and audience == "confirmed":
        audience = Audience.WORKSHOP  # the former signature: (stop, workshop)
    if audience == Audience.WAITING:
        recipients = recipients.filter(status=WAITING)
    elif audience == Audience.WORKSHOP_WAITING:
        recipients = recipients.filter(
            status=CONFIRMED,
            mode=IN_PERSON,
            bookings__session=workshop,
            bookings__status=WorkshopBooking.Status.WAITING,
        )
    else:
        recipients = recipients.filter(status=CONFIRMED)
        if audience == Audience.IN_PERSON:
            recipients = recipients.filter(mode=IN_PERSON)
        elif audience == Audience.ONLINE:
            recipients = recipients.filter(mode=Registration.Mode.ONLINE)
        elif audience == Audience.WORKSHOP:
            recipients = recipients.filter(
                bookings__session=workshop, bookings__status=WorkshopBooking.Status.CONFIRMED
            )
    return recipients.order_by("pk")


SEND_MESSAGE_TASK = "registrations.services.messaging.send_message"


def _stopped_messages(messages):
    """The messages whose latest sending task failed (an error, or a worker that kept dying
    before it finished): their e-mails still to come will not come by themselves."""
    from django_tasks_db.models import DBTaskResult

    latest = {}
    tasks = DBTaskResult.objects.filter(
        task_path=SEND_MESSAGE_TASK, args_kwargs__args__0__in=[message.pk for message in messages]
    ).order_by("enqueued_at")
    for args_kwargs, status in tasks.values_list("args_kwargs", "status"):
        latest[args_kwargs["args"][0]] = status
    return {pk for pk, status in latest.items() if status == "FAILED"}


def message_progress(messages):
    """``[(message, {"queued": n, "sent": n, "failed": n, "skipped": n, "stopped": bool}),
    ...]``, in two queries."""
    from background.models import EmailDelivery

    messages = list(messages)
    stopped = _stopped_messages(messages) if messages else set()
    rows = (
        EmailDelivery.objects.filter(batch__in=[message.batch for message in messages])
        .values("batch", "status")
        .annotate(n=Count("pk"))
    )
    counts = {}
    for row in rows:
        counts.setdefault(row["batch"], {})[row["status"]] = row["n"]
    empty = dict.fromkeys(EmailDelivery.Status.values, 0)
    progress = []
    for message in messages:
        row = {**empty, **counts.get(message.batch, {})}
        # Before its task has run, a message's e-mails are all still to come.
        done = row["sent"] + row["failed"] + row["skipped"]
        row["queued"] = max(row["queued"], message.recipients - done)
        row["stopped"] = message.pk in stopped and row["queued"] > 0
        progress.append((message, row))
    return progress


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


@dataclass
class RegistrationOutcome:
    """What a person who has just registered got: for the thank-you page."""

    registration: Registration
    # Rank in the day's waiting list (1 = next to get a place), when waiting for the day.
    day_rank: int | None
    # [(booking, rank in the workshop's waiting list or None), ...] in time order.
    workshops: list


def _rank(line, row):
    """``row``'s rank in ``line`` (a waiting list ordered by ``waiting_since``, then pk)."""
    ahead = line.filter(
        Q(waiting_since__lt=row.waiting_since) | Q(waiting_since=row.waiting_since, pk__lt=row.pk)
    )
    return ahead.count() + 1


def registration_outcome(*, stop, registration_id):
    """The outcome of registration ``registration_id`` of ``stop``, or None if there is none.

    A workshop's waiting list holds only attendees with a place for the day: while the
    registration itself waits for the day, its workshops have no rank yet.
    """
    registration = (
        Registration.objects.active().filter(stop=stop, pk=registration_id).first()
        if isinstance(registration_id, int)
        else None
    )
    if registration is None:
        return None
    day_rank = None
    if registration.status == WAITING:
        day_rank = _rank(Registration.objects.filter(stop=stop).waiting_in_line(), registration)
    workshops = []
    bookings = registration.bookings.select_related("session").order_by(
        "session__starts_at", "session__pk"
    )
    for booking in bookings:
        rank = None
        if booking.status == WAITING and registration.holds_in_person_place:
            rank = _rank(
                WorkshopBooking.objects.filter(session=booking.session_id).waiting_in_line(),
                booking,
            )
        workshops.append((booking, rank))
    return RegistrationOutcome(registration, day_rank, workshops)


def _distribution(counts, total):
    """[(rating, count, percent)] from 5 down to 1."""
    return [
        (rating, counts.get(rating, 0), round(100 * counts.get(rating, 0) / total) if total else 0)
        for rating in reversed(RATINGS)
    ]


def survey_results(stop):
    """The survey's figures for the dashboard: response rate, averages, distributions."""
    invited = Registration.objects.filter(stop=stop, survey_sent_at__isnull=False).count()
    responses = SurveyResponse.objects.filter(registration__stop=stop)
    overall_counts = dict(
        responses.values_list("overall_rating").annotate(n=Count("pk")).order_by()
    )
    answered = sum(overall_counts.values())
    by_session = {}
    for session_id, usefulness, n in (
        SessionRating.objects.filter(response__registration__stop=stop)
        .values_list("session_id", "usefulness")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_session.setdefault(session_id, {})[usefulness] = n
    sessions = []
    for session in Session.objects.filter(pk__in=by_session).order_by("starts_at", "pk"):
        counts = by_session[session.pk]
        total = sum(counts.values())
        sessions.append(
            {
                "session": session,
                "count": total,
                "average": sum(r * n for r, n in counts.items()) / total,
                "distribution": _distribution(counts, total),
            }
        )
    return {
        "invited": invited,
        "answered": answered,
        "rate": round(100 * answered / invited) if invited else None,
        "average": (sum(r * n for r, n in overall_counts.items()) / answered if answered else None),
        "distribution": _distribution(overall_counts, answered),
        "sessions": sessions,
    }


def survey_comments(stop):
    """Responses with a comment or wished themes, oldest first, with what the export shows."""
    return (
        SurveyResponse.objects.filter(registration__stop=stop)
        .exclude(comments="", themes_wanted="")
        .select_related("registration")
        .order_by("created_at", "pk")
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
