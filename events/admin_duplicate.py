"""Duplicate a stop from its own admin page: a form prefilled from the source, and a summary.

The page is ``/admin/events/stop/<id>/dupliquer/`` (a button on the stop's page); the stops
list's action leads to it too. The copy itself is ``events.services.duplicate_stop``.
"""

import calendar
import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intercotour.accessible_forms import AccessibleErrorsMixin

from .models import Session, Stop, validate_stop_slug
from .services import duplicate_stop


class DuplicateStopForm(AccessibleErrorsMixin, forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date of the new stop"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    city = forms.CharField(label=gettext_lazy("City"), max_length=100)
    region = forms.CharField(label=gettext_lazy("Region"), max_length=100, required=False)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=250, required=False)
    slug = forms.SlugField(
        label=gettext_lazy("Address (slug)"),
        max_length=100,
        help_text=gettext_lazy("The new stop's page address, e.g. transfo-montpellier-07122023."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        validate_stop_slug(slug)
        if Stop.objects.filter(slug=slug).exists():
            raise forms.ValidationError(gettext_lazy("A stop already uses this address."))
        return slug


def one_month_later(day):
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suggested_slug(stop, date):
    """The printed programme's pattern: ``<theme words>-<city>-<ddmmyyyy>``, or city and date."""
    slug = f"{slugify(stop.city)}-{date:%d%m%Y}"
    taken = set(Stop.objects.filter(slug__startswith=slug).values_list("slug", flat=True))
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def initial_for(stop):
    date = one_month_later(stop.date)
    return {
        "date": date,
        "city": stop.city,
        "region": stop.region,
        "title": stop.title,
        "slug": suggested_slug(stop, date),
    }


def summary(stop):
    """What the copy takes and what it leaves, in one query per table."""
    sessions = Session.objects.filter(stop=stop).order_by("starts_at", "pk")
    counts = sessions.aggregate(
        sessions=Count("pk", distinct=True),
        line_ups=Count("session_speakers", distinct=True),
    )
    return {
        **counts,
        "workshops": [s for s in sessions if s.capacity is not None],
        "partners": stop.partners.count(),
        "contacts": stop.contacts.count(),
        "registrations": stop.registrations.filter(~Q(status="cancelled")).count(),
    }


def duplicate_page(model_admin, request, source):
    """The form (GET), or the copy and a redirect to the new draft (valid POST)."""
    if not (model_admin.has_add_permission(request) and model_admin.has_view_permission(request)):
        raise PermissionDenied
    posted = request.method == "POST" and "apply" in request.POST
    form = DuplicateStopForm(request.POST if posted else None, initial=initial_for(source))
    if posted and form.is_valid():
        new = duplicate_stop(stop=source, **form.cleaned_data)
        model_admin.log_addition(request, new, [{"added": {}}])
        model_admin.message_user(
            request,
            _("Draft stop “%(stop)s” created from “%(source)s”.") % {"stop": new, "source": source},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:events_stop_change", args=[new.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Stop._meta,
        "source": source,
        "form": form,
        "summary": summary(source),
        "title": _("Duplicate “%(stop)s”") % {"stop": source},
    }
    return TemplateResponse(request, "admin/events/stop/duplicate.html", context)


def duplicate_view(model_admin):
    def view(request, stop_id):
        source = get_object_or_404(Stop.objects.select_related("tour"), pk=stop_id)
        return duplicate_page(model_admin, request, source)

    return view
