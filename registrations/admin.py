from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Session

from . import services
from .admin_views import log_change
from .models import Registration, WorkshopBooking


class WorkshopBookingInline(admin.TabularInline):
    model = WorkshopBooking
    extra = 0
    fields = ["session", "status", "waiting_since"]
    readonly_fields = ["session", "status", "waiting_since"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # seats change only through the registration services


class WorkshopFilter(admin.SimpleListFilter):
    title = _("workshop")
    parameter_name = "workshop"

    def lookups(self, request, model_admin):
        workshops = Session.objects.workshops().select_related("stop").order_by("-starts_at")
        stop = request.GET.get("stop__id__exact")
        if stop and stop.isdecimal():
            workshops = workshops.filter(stop_id=stop)
        return [(str(w.pk), f"{w.stop.city} {w.stop.date:%d/%m/%Y} – {w.title}") for w in workshops]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdecimal():
            return queryset.filter(bookings__session_id=self.value())
        return queryset


class CheckedInFilter(admin.SimpleListFilter):
    title = _("checked in")
    parameter_name = "checked_in"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(checked_in_at__isnull=True)
        return queryset


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "organisation",
        "category",
        "stop",
        "mode",
        "workshops",
        "status",
        "checked_in_at",
    ]
    list_filter = ["stop", "category", "mode", "status", WorkshopFilter, CheckedInFilter]
    list_select_related = ["stop"]
    search_fields = ["last_name", "first_name", "email", "organisation"]
    readonly_fields = [
        "stop",
        "email",
        "mode",
        "status",
        "waiting_since",
        "cancelled_at",
        "checked_in_at",
        "walk_in",
    ]
    inlines = [WorkshopBookingInline]
    list_per_page = 50
    show_full_result_count = False
    actions = ["cancel", "promote", "resend_confirmation", "mark_checked_in"]

    def get_queryset(self, request):
        # The workshops column reads each page's bookings in one query.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bookings", queryset=WorkshopBooking.objects.select_related("session"))
            )
        )

    @admin.display(description=_("workshops"))
    def workshops(self, registration):
        return ", ".join(
            booking.session.title
            + ("" if booking.status == booking.Status.CONFIRMED else f" ({_('waiting')})")
            for booking in registration.bookings.all()
        )

    def has_add_permission(self, request):
        return False  # registrations come through the public form or the check-in desk

    def _apply(self, request, queryset, service, done_message, log_message):
        done = 0
        for registration in queryset.select_related("stop"):
            try:
                service(registration=registration)
            except services.RegistrationError as error:
                self.message_user(
                    request, f"{registration.full_name} : {error.message}", messages.WARNING
                )
            else:
                done += 1
                log_change(request, registration, str(log_message))
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Cancel (frees the places for the waiting lists)"))
    def cancel(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.cancel_registration,
            lambda n: ngettext("%d registration cancelled.", "%d registrations cancelled.", n) % n,
            _("Cancelled by an organiser."),
        )

    @admin.action(description=_("Promote from the waiting list"))
    def promote(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.promote_registration,
            lambda n: ngettext("%d registration promoted.", "%d registrations promoted.", n) % n,
            _("Promoted from the waiting list by an organiser."),
        )

    @admin.action(description=_("Resend the confirmation e-mail"))
    def resend_confirmation(self, request, queryset):
        self._apply(
            request,
            queryset.exclude(email=""),
            services.resend_confirmation,
            lambda n: ngettext("%d e-mail sent again.", "%d e-mails sent again.", n) % n,
            _("Confirmation e-mail sent again."),
        )

    @admin.action(description=_("Mark as checked in"))
    def mark_checked_in(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.check_in,
            lambda n: (
                ngettext("%d registration checked in.", "%d registrations checked in.", n) % n
            ),
            _("Checked in."),
        )
