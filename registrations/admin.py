"""The registrations' admin, and the desk pages this app adds to each stop's admin."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from events.admin import extensions
from events.models import Session, next_first_ordering
from intercotour.admin_log import log_change
from intercotour.admin_wording import WordedAdmin, Wording
from intercotour.french import colon

from . import admin_reports, admin_views, services
from .admin_forms import RegistrationAddForm, RegistrationChangeForm
from .models import Registration, SessionRating, SurveyResponse, WorkshopBooking

extensions.stop_pages += [
    ("tableau-de-bord/", admin_views.dashboard, "dashboard"),
    ("export.csv", admin_views.export_csv, "export"),
    ("avis.csv", admin_views.export_survey_comments, "survey_export"),
    ("badges/", admin_views.badge_sheet, "badges"),
    ("accueil/", admin_views.check_in, "check_in"),
    ("message/", admin_views.message_registrants, "message"),
    ("emargement/<int:session_id>/", admin_views.attendance_sheet, "attendance"),
    ("attestations/", admin_views.certificates_page, "certificates"),
    ("attestations/<int:archive_id>.zip", admin_views.certificate_archive, "certificate_archive"),
    ("e-mails/renvoyer/", admin_reports.resend_email, "resend_email"),
    ("emargement/", admin_views.day_attendance_sheet, "attendance_day"),
]
extensions.stop_links += [
    (_("Dashboard"), "admin:events_stop_dashboard"),
    (_("Check-in"), "admin:events_stop_check_in"),
    (_("Message registrants"), "admin:events_stop_message"),
    (_("Attendance certificates (ZIP)"), "admin:events_stop_certificates"),
]
# A workshop with people booked or waiting keeps its day and its kind.
extensions.session_in_use.append(lambda session: session.bookings.exists())
# A capacity raised in the programme's admin gives the new places to those waiting.
extensions.after_programme_saved.append(lambda stop: services.promote_waiting_lists(stop=stop))


class WorkshopFilter(admin.SimpleListFilter):
    title = _("workshop")
    parameter_name = "workshop"

    def lookups(self, request, model_admin):
        workshops = (
            Session.objects.workshops()
            .select_related("stop")
            .order_by(*next_first_ordering(prefix="stop__"), "starts_at")
        )
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
class RegistrationAdmin(WordedAdmin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a registration"),
        change_title=pgettext_lazy("admin page title", "Change the registration"),
        view_title=pgettext_lazy("admin page title", "View the registration"),
        add_button=_("Add a registration"),
        delete_selected=_("Delete the selected registrations"),
    )
    # What a laptop or a tablet shows at once; the rest is on the registration's page.
    list_display = ["name", "organisation", "day", "status_and_mode", "workshops", "arrival"]
    list_display_links = ["name"]
    list_filter = ["stop", "category", "mode", "status", WorkshopFilter, CheckedInFilter]
    list_select_related = ["stop"]
    search_fields = ["last_name", "first_name", "email", "organisation"]
    readonly_fields = [
        "stop",
        "status",
        "waiting_since",
        "bookings_summary",
        "cancelled_at",
        "checked_in_at",
        "walk_in",
    ]
    list_per_page = 50
    show_full_result_count = False
    actions = ["cancel", "erase", "promote", "resend_confirmation", "mark_checked_in"]

    def get_urls(self):
        def tour_no_shows(request):
            return admin_reports.tour_no_shows(request, admin_site=self.admin_site)

        return [
            path(
                "absences/",
                self.admin_site.admin_view(tour_no_shows),
                name="registrations_registration_no_shows",
            )
        ] + super().get_urls()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None:
            registration = self.get_object(request, unquote(object_id))
            if registration is not None and registration.status == Registration.Status.CANCELLED:
                # Cancelled since the organiser opened the page: say so rather than a 403.
                self.message_user(
                    request,
                    _("This registration was cancelled in the meantime: nothing was changed."),
                    messages.WARNING,
                )
                return HttpResponseRedirect(request.path)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _shown_only(self, request, obj):
        return obj is not None and not self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._shown_only(request, obj):  # every field shown as text: no form fields
            kwargs.update(form=forms.ModelForm, fields=[])
        else:
            kwargs.update(form=RegistrationChangeForm if obj else RegistrationAddForm, fields=None)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if self._shown_only(request, obj):  # the registration's own fields, as text
            fields = ["stop", *RegistrationChangeForm._meta.fields, *self.readonly_fields[1:]]
        elif obj:
            fields = ["stop", *RegistrationChangeForm.base_fields, *self.readonly_fields[1:]]
        else:
            fields = [*RegistrationAddForm.base_fields]
        return [(None, {"fields": fields})]

    def has_change_permission(self, request, obj=None):
        # A cancelled (or erased) registration is kept for the record, not edited: the
        # services refuse its changes, and an erased one has no name or address to save.
        if obj is not None and obj.status == Registration.Status.CANCELLED:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        """Nothing to save: the form applied the change through the services."""

    def save_related(self, request, form, formsets, change):
        """Bookings are written by the services."""

    @admin.display(description=_("workshop bookings"))
    def bookings_summary(self, registration):
        def since(booking):
            if not booking.waiting_since:
                return ""
            return f" ({date_format(localtime(booking.waiting_since), 'SHORT_DATETIME_FORMAT')})"

        bookings = registration.bookings.select_related("session")
        rows = ((b.session.title, b.get_status_display(), since(b)) for b in bookings)
        return format_html_join(mark_safe("<br>"), "{} – {}{}", rows) or "—"

    def get_deleted_objects(self, objs, request):
        """The delete confirmation in a constant number of queries.

        Django's lists every booking under its registration, reading each one's registration
        and workshop one by one (two queries per booking). Here: each registration, linked
        as Django links it, and the count of each kind of row that goes with them, so the
        page costs the same for one registration or a hundred. A test compares the counts
        with Django's own.
        """
        pks = [obj.pk for obj in objs]
        registrations = list(
            Registration.objects.filter(pk__in=pks).select_related("stop").order_by("pk")
        )
        opts = Registration._meta
        to_delete = [
            format_html(
                '{}{}<a href="{}">{}</a>',
                capfirst(opts.verbose_name),
                colon(),
                reverse(f"{self.admin_site.name}:registrations_registration_change", args=[r.pk]),
                r,
            )
            for r in registrations
        ]
        counts = {
            opts.verbose_name_plural: len(registrations),
            WorkshopBooking._meta.verbose_name_plural: WorkshopBooking.objects.filter(
                registration__in=pks
            ).count(),
            SurveyResponse._meta.verbose_name_plural: SurveyResponse.objects.filter(
                registration__in=pks
            ).count(),
            SessionRating._meta.verbose_name_plural: SessionRating.objects.filter(
                response__registration__in=pks
            ).count(),
        }
        model_count = {name: count for name, count in counts.items() if count}
        perms_needed = (
            set()
            if all(self.has_delete_permission(request, r) for r in registrations)
            else {opts.verbose_name}
        )
        return to_delete, model_count, perms_needed, []

    def delete_model(self, request, obj):
        services.delete_registration(registration=obj)

    def delete_queryset(self, request, queryset):
        for registration in queryset.select_related("stop"):
            services.delete_registration(registration=registration)

    def get_queryset(self, request):
        # The workshops column reads each page's bookings in one query.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bookings", queryset=WorkshopBooking.objects.select_related("session"))
            )
        )

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, registration):
        return f"{registration.last_name} {registration.first_name}"

    @admin.display(description=_("stop"), ordering="stop__date")
    def day(self, registration):
        return f"{registration.stop.city} {registration.stop.date:%d/%m/%Y}"

    @admin.display(description=_("status"), ordering="status")
    def status_and_mode(self, registration):
        return f"{registration.get_status_display()} · {registration.get_mode_display().lower()}"

    @admin.display(description=_("arrival"), ordering="checked_in_at")
    def arrival(self, registration):
        if not registration.checked_in_at:
            return "—"
        return date_format(localtime(registration.checked_in_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("workshops"))
    def workshops(self, registration):
        waiting = pgettext("a workshop booking", "waiting list")
        return ", ".join(
            booking.session.title
            + ("" if booking.status == booking.Status.CONFIRMED else f" ({waiting})")
            for booking in registration.bookings.all()
        )

    def _apply(self, request, queryset, service, done_message, log_message):
        done = 0
        for registration in queryset.select_related("stop"):
            try:
                changed = service(registration=registration)
            except services.RegistrationError as error:
                self.message_user(
                    request, admin_views.person_note(registration, error.message), messages.WARNING
                )
            else:
                done += 1
                # The service's own copy: an erased registration no longer has a name to log.
                logged = changed if isinstance(changed, Registration) else registration
                log_change(request.user, logged, log_message)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(
        description=_("Cancel (frees the places for the waiting lists)"), permissions=["change"]
    )
    def cancel(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.cancel_registration,
            lambda n: ngettext("%d registration cancelled.", "%d registrations cancelled.", n) % n,
            _("Cancelled by an organiser."),
        )

    @admin.action(
        description=_("Erase on request (cancels, frees the places, anonymises)"),
        permissions=["change"],
    )
    def erase(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.erase_registration,
            lambda n: ngettext("%d registration erased.", "%d registrations erased.", n) % n,
            _("Erased on request: cancelled and anonymised."),
        )

    @admin.action(description=_("Promote from the waiting list"), permissions=["change"])
    def promote(self, request, queryset):
        self._apply(
            request,
            queryset,
            services.promote_registration,
            lambda n: ngettext("%d registration promoted.", "%d registrations promoted.", n) % n,
            _("Promoted from the waiting list by an organiser."),
        )

    @admin.action(description=_("Resend the confirmation e-mail"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        # Walk-ins at the door and erased registrations have no address: each is named.
        for registration in queryset.filter(email=""):
            self.message_user(
                request,
                admin_views.person_note(
                    registration, _("no e-mail address, so no confirmation to send again.")
                ),
                messages.WARNING,
            )
        self._apply(
            request,
            queryset.exclude(email=""),
            services.resend_confirmation,
            lambda n: ngettext("%d e-mail sent again.", "%d e-mails sent again.", n) % n,
            _("Confirmation e-mail sent again."),
        )

    @admin.action(description=_("Mark as checked in"), permissions=["change"])
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
