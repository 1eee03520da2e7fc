"""Streamed CSV exports: bounded memory whatever the number of registrations."""

import csv

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Registration, WorkshopBooking
from .selectors import registrations_for_export

CHUNK = 2000


class _Echo:
    """A file-like object whose ``write`` hands the line back to the generator."""

    def write(self, value):
        return value


def _columns():
    # Labels are translated once per export, not once per cell: 100,000 rows stay quick.
    yes, no = _("yes"), _("no")
    category = {key: str(label) for key, label in Registration.Category.choices}
    mode = {key: str(label) for key, label in Registration.Mode.choices}
    status = {key: str(label) for key, label in Registration.Status.choices}
    booking_status = {key: str(label) for key, label in WorkshopBooking.Status.choices}

    def flag(value):
        return yes if value else no

    def local(moment):
        return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""

    def workshops(registration):
        return " | ".join(
            f"{b.session.title} ({booking_status[b.status]})" for b in registration.bookings.all()
        )

    return [
        (_("Last name"), lambda r: r.last_name),
        (_("First name"), lambda r: r.first_name),
        (_("E-mail"), lambda r: r.email),
        (_("Phone"), lambda r: r.phone),
        (_("Organisation"), lambda r: r.organisation),
        (_("Job title"), lambda r: r.job_title),
        (_("Category"), lambda r: category.get(r.category, r.category)),
        (_("Attendance"), lambda r: mode[r.mode]),
        (_("Status"), lambda r: status[r.status]),
        (_("Workshops"), workshops),
        (_("Lunch"), lambda r: flag(r.lunch)),
        (_("Dietary requirements"), lambda r: r.dietary_requirements),
        (_("Reduced mobility"), lambda r: flag(r.reduced_mobility)),
        (_("Hearing loop"), lambda r: flag(r.hearing_loop)),
        (_("Other access needs"), lambda r: r.access_needs),
        (_("News of future stops"), lambda r: flag(r.wants_news)),
        (_("Walk-in"), lambda r: flag(r.walk_in)),
        (_("Checked in at"), lambda r: local(r.checked_in_at)),
        (_("Registered at"), lambda r: local(r.created_at)),
    ]


def _rows(stop, delimiter, bom):
    columns = _columns()
    writer = csv.writer(_Echo(), delimiter=delimiter)
    if bom:
        yield "\ufeff"
    yield writer.writerow([title for title, _value in columns])
    for registration in registrations_for_export(stop).iterator(chunk_size=CHUNK):
        yield writer.writerow([value(registration) for _title, value in columns])


def registrations_csv(stop, *, excel):
    """French Excel flavour (UTF-8 with BOM, ``;``) or standard CSV (comma, no BOM)."""
    response = StreamingHttpResponse(
        _rows(stop, ";" if excel else ",", bom=excel), content_type="text/csv; charset=utf-8"
    )
    suffix = "-excel" if excel else ""
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{stop.slug}{suffix}.csv"'
    return response
