"""The survey's comments as CSV for the organisers: without names, cells neutralised."""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Registration
from .selectors import survey_comments

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A cell a spreadsheet will not run as a formula: a leading apostrophe where needed."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def survey_comments_csv(stop, *, excel=True):
    """French Excel flavour (UTF-8 with BOM, ``;``) or standard CSV (comma, no BOM)."""
    category = {key: str(label) for key, label in Registration.Category.choices}
    mode = {key: str(label) for key, label in Registration.Mode.choices}
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if excel else ",")
    writer.writerow(
        [
            _("Answered on"),
            _("Category"),
            _("Attendance"),
            _("Overall rating"),
            _("Comments"),
            _("Themes wanted next"),
        ]
    )
    for response in survey_comments(stop):
        registration = response.registration
        writer.writerow(
            neutralise_cell(cell)
            for cell in [
                timezone.localtime(response.updated_at).strftime("%d/%m/%Y"),
                category.get(registration.category, registration.category),
                mode[registration.mode],
                response.overall_rating,
                response.comments,
                response.themes_wanted,
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    suffix = "-excel" if excel else ""
    response["Content-Disposition"] = f'attachment; filename="avis-{stop.slug}{suffix}.csv"'
    return response
