"""Organisers' follow-up pages: send a failed e-mail again, no-shows across a tour."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from background import outbox
from background.models import EmailDelivery
from events.models import Stop, Tour
from intercotour.admin_log import log_change

from . import no_shows
from .models import Registration


@require_POST
def resend_email(request, stop_id, admin_site):
    """The dashboard's "send again" button for one e-mail of this stop."""
    if not request.user.has_perm("background.change_emaildelivery"):
        raise PermissionDenied
    delivery_id = request.POST.get("delivery", "")
    if not delivery_id.isdecimal():  # "²" is a digit, not a number
        raise Http404
    delivery = get_object_or_404(EmailDelivery, pk=delivery_id, stop_id=stop_id)
    outbox.resend(delivery=delivery)
    log_change(request.user, delivery, _("E-mail queued to be sent again."))
    messages.success(
        request,
        _("The e-mail to %(recipient)s will be sent again.") % {"recipient": delivery.recipient},
    )
    return redirect("admin:events_stop_dashboard", stop_id)


def tour_no_shows(request, admin_site):
    """No-show rates across the days over of a tour (the latest by default)."""
    if not request.user.has_perm("registrations.view_registration"):
        raise PermissionDenied
    tours = list(Tour.objects.order_by("-created_at", "-pk"))
    tour = tours[0] if tours else None
    if request.GET.get("tour", "").isdecimal():
        tour = get_object_or_404(Tour, pk=request.GET["tour"])
    stops = Stop.objects.published().filter(tour=tour, date__lt=timezone.localdate())
    context = {
        **admin_site.each_context(request),
        "opts": Registration._meta,
        "tours": tours,
        "tour": tour,
        "report": no_shows.no_show_report(stops) if tour else None,
        "days_over": stops.count() if tour else 0,
        "title": _("No-shows across the tour"),
    }
    return TemplateResponse(request, "admin/registrations/tour_no_shows.html", context)
