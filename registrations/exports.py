"""Streamed CSV exports: bounded memory whatever the number of registrations.

**Formula injection.** A spreadsheet opening the file runs any cell that looks like a formula:
a registrant named ``=HYPERLINK("http://evil.example";"clic")`` or ``+cmd|' /C calc'!A0`` would
attack the organiser who opens the export. As OWASP advises ("CSV Injection"), a cell starting
with ``=``, ``+``, ``@``, a tab or a carriage return is prefixed with a single quote, which makes
it text; the csv module quotes cells holding the delimiter, quotes or line breaks.

A cell starting with ``-`` is prefixed too, unless the rest reads as a name: letters, spaces,
apostrophes, hyphens and dots only ("-Marie", "-Jean-Pierre"). Such a cell can reference nothing
and call nothing (no digit, parenthesis, operator, ``!`` or ``|``), so it is harmless and kept
as typed; ``-2+3``, ``-SUM(1)``, ``-A1`` or ``-cmd|' /C calc'!A0`` get the quote. Excel shows
the quote of a neutralised cell (it is part of the text): the price of a safe file.

**Phone numbers.** Excel reads ``0612345678`` as the number 612345678 and drops the zero. A
phone typed as digits only is written in the French grouped form ``06 12 34 56 78``, which
Excel keeps as text; no formula (``="0612…"`` is itself the injection we refuse) and no
visible quote. An international number (``+33…``) starts with ``+`` and is quoted as above.
"""

import csv
import re

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Registration, WorkshopBooking
from .selectors import registrations_for_export

CHUNK = 2000

_FORMULA_START = ("=", "+", "@", "\t", "\r")
# "-" then a letter, then only letters, spaces, apostrophes, hyphens and dots.
_NAME_AFTER_MINUS = re.compile(r"-[^\W\d_](?:[^\W\d_]|[ '’.-])*")
_DIGITS_ONLY = re.compile(r"[0-9]{6,25}")


def spreadsheet_safe(value):
    """``value`` as a cell no spreadsheet runs as a formula (see the module's docstring)."""
    text = str(value)
    if text.startswith(_FORMULA_START) or (
        text.startswith("-") and len(text) > 1 and not _NAME_AFTER_MINUS.fullmatch(text)
    ):
        return "'" + text
    return text


def phone_cell(phone):
    """Digits only (``0612345678``) become ``06 12 34 56 78``: Excel keeps the leading zero."""
    phone = phone.strip()
    if _DIGITS_ONLY.fullmatch(phone):
        return " ".join(phone[i : i + 2] for i in range(0, len(phone), 2))
    return phone


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
        (_("Phone"), lambda r: phone_cell(r.phone)),
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
        yield writer.writerow([spreadsheet_safe(value(registration)) for _title, value in columns])


def registrations_csv(stop, *, excel):
    """French Excel flavour (UTF-8 with BOM, ``;``) or standard CSV (comma, no BOM)."""
    response = StreamingHttpResponse(
        _rows(stop, ";" if excel else ",", bom=excel), content_type="text/csv; charset=utf-8"
    )
    suffix = "-excel" if excel else ""
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{stop.slug}{suffix}.csv"'
    return response
