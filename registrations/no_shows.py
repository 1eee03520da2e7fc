"""Reads after (and just before) the day: answers to the reminders, no-show rates.

A no-show is a registrant holding a confirmed in-person place (walk-ins aside) who was not
checked in. Rates are given per stop, per category and per workshop.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Registration, WorkshopBooking

CONFIRMED = Registration.Status.CONFIRMED


@dataclass
class Rate:
    label: str
    expected: int
    absent: int

    @property
    def percent(self):
        return round(100 * self.absent / self.expected) if self.expected else 0


def _expected(stops):
    return Registration.objects.filter(
        stop__in=stops, status=CONFIRMED, mode=Registration.Mode.IN_PERSON, walk_in=False
    )


ABSENT = Count("pk", filter=Q(checked_in_at__isnull=True))


def reminder_answers(stop):
    """``{"confirmed": n, "unanswered": n, "freed": n}`` for the in-person places, one query."""
    return Registration.objects.filter(stop=stop).aggregate(
        confirmed=Count(
            "pk",
            filter=Q(
                status=CONFIRMED,
                mode=Registration.Mode.IN_PERSON,  # not those who then chose to follow online
                attendance_confirmed_at__isnull=False,
            ),
        ),
        unanswered=Count(
            "pk",
            filter=Q(
                status=CONFIRMED,
                mode=Registration.Mode.IN_PERSON,
                attendance_confirmed_at__isnull=True,
                walk_in=False,
            ),
        ),
        freed=Count("pk", filter=Q(seat_freed_at__isnull=False)),
    )


def no_show_report(stops):
    """No-show rates of ``stops`` (a queryset or list): ``{"total", "by_stop",
    "by_category", "by_workshop"}``, in three queries."""
    expected = _expected(stops)
    labels = dict(Registration.Category.choices)
    by_stop_rows = list(
        expected.values("stop", "stop__city", "stop__date")
        .annotate(expected=Count("pk"), absent=ABSENT)
        .order_by("stop__date", "stop")
    )
    by_stop = [
        Rate(f"{row['stop__city']} – {row['stop__date']:%d/%m/%Y}", row["expected"], row["absent"])
        for row in by_stop_rows
    ]
    by_category = [
        Rate(str(labels.get(row["category"], row["category"])), row["expected"], row["absent"])
        for row in expected.values("category")
        .annotate(expected=Count("pk"), absent=ABSENT)
        .order_by("category")
    ]
    by_workshop = [
        Rate(row["session__title"], row["expected"], row["absent"])
        for row in WorkshopBooking.objects.confirmed()
        .filter(registration__in=expected)
        .values("session", "session__title", "session__starts_at")
        .annotate(
            expected=Count("pk"), absent=Count("pk", filter=Q(registration__checked_in_at=None))
        )
        .order_by("session__starts_at", "session")
    ]
    total = Rate("", sum(rate.expected for rate in by_stop), sum(rate.absent for rate in by_stop))
    return {
        "total": total,
        "by_stop": by_stop,
        "by_category": by_category,
        "by_workshop": by_workshop,
    }
