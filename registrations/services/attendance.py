"""Before the day: reminders that ask to confirm or free an in-person place, and the answers."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Stop

from .. import emails
from ..models import Registration
from . import seats
from .cancellation import cancel_registration
from .errors import RegistrationCancelled, RegistrationError

Status = Registration.Status


class AnswerClosed(RegistrationError):
    default_message = _("This day is over: the answer can no longer be taken into account.")


class PlaceAlreadyFreed(RegistrationError):
    default_message = _(
        "Your place has already been freed and given to someone on the waiting list: there is "
        "nothing more to do. Thank you for letting us know."
    )


class NoPlaceToAnswerFor(RegistrationError):
    default_message = _(
        "This registration holds no in-person place (online attendance or waiting list): "
        "there is nothing to confirm or free."
    )


def answer_refusal(registration, now=None):
    """Why a reminder's answer would be refused now (a ``RegistrationError``), or None.

    Read before the person is shown the button: a link used twice, after the day, or for a
    cancelled registration says so at once, not after the click.
    """
    try:
        _check_answerable(registration, now or timezone.now())
    except RegistrationError as error:
        return error
    return None


def _check_answerable(registration, now):
    stop = registration.stop
    end_of_day = timezone.make_aware(datetime.datetime.combine(stop.date, stop.end_time))
    if registration.status == Status.CANCELLED:
        raise PlaceAlreadyFreed() if registration.seat_freed_at else RegistrationCancelled()
    if now > end_of_day:
        raise AnswerClosed()
    if not registration.holds_in_person_place:
        raise NoPlaceToAnswerFor()


@transaction.atomic
def confirm_attendance(*, registration, now=None):
    """ "I confirm": stored once; the dashboard counts it."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    _check_answerable(registration, now)
    if registration.attendance_confirmed_at is None:
        registration.attendance_confirmed_at = now
        registration.save(update_fields=["attendance_confirmed_at", "updated_at"])
    return registration


@transaction.atomic
def free_seat(*, registration, now=None):
    """ "I free my place": cancelled, and the place and its workshop seats go at once to the
    first people waiting (``cancel_registration``'s promotion)."""
    now = now or timezone.now()
    registration = seats.lock_for_change(registration)
    _check_answerable(registration, now)
    # Under the stop's lock: whether the freed place goes to someone, as the page then says.
    someone_waiting = (
        Registration.objects.filter(stop=registration.stop_id, status=Status.WAITING)
        .exclude(pk=registration.pk)
        .exists()
    )
    registration = cancel_registration(registration=registration, now=now)
    Registration.objects.filter(pk=registration.pk).update(seat_freed_at=now)
    registration.seat_freed_at = now
    registration.place_passed_on = someone_waiting
    return registration


def queue_reminders(*, today=None):
    """Queue the reminders due today; returns how many were newly queued.

    For each published stop ahead, the latest reminder day reached (e.g. 2 when 2 days are
    left, 7 from 7 to 3 days left: a missed day catches up) goes to each in-person place not
    yet confirmed, registered before that reminder day; the day before, the practical
    reminder goes to everyone confirmed. Keys make each one go once per person.
    """
    today = today or timezone.localdate()
    queued = 0
    stops = Stop.objects.published().filter(
        date__gt=today, date__lte=today + datetime.timedelta(days=60)
    )
    for stop in stops.order_by("date", "pk"):
        days_left = (stop.date - today).days
        due = [days for days in stop.reminder_days_list if days >= days_left]
        people = Registration.objects.filter(stop=stop).exclude(email="").select_related("stop")
        with transaction.atomic():
            if due:
                days = min(due)
                asked_from = stop.date - datetime.timedelta(days=days)
                for registration in people.expected_in_person().filter(
                    attendance_confirmed_at__isnull=True, created_at__date__lt=asked_from
                ):
                    _delivery, created = emails.send_attendance_reminder(registration, days)
                    queued += created
            if days_left == 1:
                for registration in people.filter(status=Status.CONFIRMED):
                    _delivery, created = emails.send_practical_reminder(registration)
                    queued += created
    return queued
