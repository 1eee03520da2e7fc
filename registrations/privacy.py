"""The registrant's rights (GDPR): a copy of their data, and erasure, from their own link.

- ``registration_data_export``: everything stored about the person for this registration:
  the registration, workshop bookings and waiting lists, the admin history lines about it, and
  the e-mails sent or to send to them (kind, subject, status, date: the outbox);
- erasure is a write: ``services.erase_registration`` (cancel, then anonymise).
"""

import datetime

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from . import traces
from .models import Registration

EXPORTED_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "organisation",
    "job_title",
    "category",
    "mode",
    "status",
    "waiting_since",
    "lunch",
    "dietary_requirements",
    "reduced_mobility",
    "hearing_loop",
    "access_needs",
    "wants_news",
    "walk_in",
    "checked_in_at",
    "cancelled_at",
    "created_at",
    "updated_at",
]


def _moment(value):
    return timezone.localtime(value).isoformat() if value else None


def _value(value):
    return _moment(value) if isinstance(value, datetime.datetime) else value


def registration_data_export(registration):
    """A JSON-ready dict of everything stored about the person for ``registration``."""
    registration = Registration.objects.select_related("stop").get(pk=registration.pk)
    stop = registration.stop
    history = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
    ).order_by("action_time")
    return {
        "stop": {
            "title": stop.title,
            "city": stop.city,
            "date": stop.date.isoformat(),
            "address": stop.get_absolute_url(),
        },
        "registration": {name: _value(getattr(registration, name)) for name in EXPORTED_FIELDS},
        "workshops": [
            {
                "title": booking.session.title,
                "starts_at": _moment(booking.session.starts_at),
                "ends_at": _moment(booking.session.ends_at),
                "status": booking.status,
                "waiting_since": _moment(booking.waiting_since),
            }
            for booking in registration.bookings.select_related("session").order_by(
                "session__starts_at"
            )
        ],
        "admin_history": [
            {"date": _moment(entry.action_time), "change": entry.get_change_message()}
            for entry in history
        ],
        "emails_sent": [
            {
                "kind": sent.kind,
                "subject": sent.subject,
                "status": sent.status,
                "sent_at": _moment(sent.sent_at),
            }
            for sent in traces.emails_of([registration.pk]).order_by("created_at", "pk")
        ],
        "exported_at": _moment(timezone.now()),
    }
