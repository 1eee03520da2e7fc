"""After the day: the attendees' survey — who is asked, until when, and saving an answer.

Confirmed attendees, in person or online, are e-mailed a link the day after (``send_due_surveys``,
run daily by the scheduler); each registration is mailed once. They answer at their own
management link until ``SURVEY_DAYS`` days after the day, and may change their answer until then.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from events.models import Session

from .. import emails
from ..models import RATINGS, Registration, SessionRating, SurveyResponse, WorkshopBooking
from .errors import RegistrationError

SURVEY_DAYS = 14  # answers are accepted, and may be changed, for two weeks after the day
SEND_WITHIN_DAYS = 7  # a missed run of send_due_surveys catches up within a week
NOT_RATED = [Session.Kind.WELCOME, Session.Kind.BREAK]


class SurveyError(RegistrationError):
    default_message = _("This survey cannot be answered.")


class SurveyNotOpen(SurveyError):
    default_message = _("The survey opens once the day is over.")


class SurveyClosed(SurveyError):
    pass


class NotAnAttendee(SurveyError):
    default_message = _("The survey is for the day's attendees: this registration had no place.")


class SurveyForCancelled(SurveyError):
    default_message = _("This registration was cancelled: the survey is for the day's attendees.")


class InvalidRating(SurveyError):
    default_message = _("A rating goes from 1 to 5.")


class UnknownSession(SurveyError):
    default_message = _("One of the sessions rated is not part of your day.")


def survey_deadline(stop):
    """The last day on which answers are accepted."""
    return stop.date + datetime.timedelta(days=SURVEY_DAYS)


def check_survey_open(registration, *, now=None):
    """Raise a SurveyError unless ``registration`` may answer the survey now."""
    now = now or timezone.now()
    stop = registration.stop
    if registration.status == Registration.Status.CANCELLED:
        raise SurveyForCancelled
    if registration.status != Registration.Status.CONFIRMED:
        raise NotAnAttendee
    if not stop.is_over(now):
        raise SurveyNotOpen
    if timezone.localdate(now) > survey_deadline(stop):
        raise SurveyClosed(
            _("The survey closed on %(date)s: answers are no longer accepted.")
            % {"date": formats.date_format(survey_deadline(stop))}
        )


def rateable_sessions(registration):
    """The sessions the attendee could follow: not the breaks, their own workshops only, and
    for online attendees nothing held in person only."""
    booked = WorkshopBooking.objects.confirmed().filter(registration=registration)
    sessions = (
        Session.objects.filter(stop_id=registration.stop_id)
        .exclude(kind__in=NOT_RATED)
        .filter(~Q(kind=Session.Kind.WORKSHOP) | Q(pk__in=booked.values("session_id")))
    )
    if registration.mode == Registration.Mode.ONLINE:
        sessions = sessions.exclude(in_person_only=True)
    return sessions.order_by("starts_at", "ends_at", "pk")


def _rating(value, field):
    if not isinstance(value, int) or isinstance(value, bool) or value not in RATINGS:
        raise InvalidRating(field=field)
    return value


@transaction.atomic
def save_survey_response(
    *, registration, overall_rating, session_ratings, comments="", themes_wanted="", now=None
):
    """Record (or replace) the attendee's answer; ``session_ratings`` maps session ids to 1–5."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("stop")
        .get(pk=registration.pk)
    )
    check_survey_open(registration, now=now)
    _rating(overall_rating, "overall_rating")
    allowed = set(rateable_sessions(registration).values_list("pk", flat=True))
    for session_id, value in session_ratings.items():
        if session_id not in allowed:
            raise UnknownSession
        _rating(value, f"session_{session_id}")
    response, _created = SurveyResponse.objects.update_or_create(
        registration=registration,
        defaults={
            "overall_rating": overall_rating,
            "comments": comments.strip(),
            "themes_wanted": themes_wanted.strip(),
        },
    )
    response.ratings.all().delete()
    SessionRating.objects.bulk_create(
        SessionRating(response=response, session_id=session_id, usefulness=value)
        for session_id, value in session_ratings.items()
    )
    return response


def due_for_survey(today):
    """Confirmed attendees of published days over since yesterday up to a week, not asked yet."""
    return Registration.objects.filter(
        status=Registration.Status.CONFIRMED,
        survey_sent_at__isnull=True,
        stop__status="published",
        stop__date__lt=today,
        stop__date__gte=today - datetime.timedelta(days=SEND_WITHIN_DAYS),
    ).exclude(email="")


def send_due_surveys(today=None):
    """E-mail the survey to everyone due; each registration once, even if run twice at once.

    Returns the number of e-mails sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for registration in due_for_survey(today).select_related("stop").iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=registration.pk, survey_sent_at__isnull=True
            ).update(survey_sent_at=timezone.now())
            if claimed:
                emails.send_survey_invitation(
                    registration, deadline=survey_deadline(registration.stop)
                )
                sent += 1
    return sent
