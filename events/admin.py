from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from intercotour.images import SafeImageField
from registrations import admin_views
from registrations.services import promote_waiting_lists
from speakers.admin import SessionSpeakerInline

from .models import Contact, Partner, Session, Stop, Tour, validate_stop_slug
from .services import duplicate_stop

admin.site.site_header = _("IntercoTOUR back-office")
admin.site.site_title = _("IntercoTOUR back-office")
admin.site.index_title = _("Tour, stops and registrations")

# URLs typed without a scheme are taken as https (Django 6's default, silenced warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class DuplicateStopForm(forms.Form):
    date = forms.DateField(label=_("Date of the new stop"))
    city = forms.CharField(label=_("City"), max_length=100)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    title = forms.CharField(label=_("Title"), max_length=250, required=False)
    slug = forms.SlugField(label=_("Address (slug)"), max_length=100)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        validate_stop_slug(slug)
        if Stop.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A stop already uses this address."))
        return slug


class StopAdminForm(forms.ModelForm):
    """Base form; the admin adds the model and fields."""

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk and capacity is not None and capacity < self.instance.seats_taken:
            raise forms.ValidationError(
                _("%(taken)s in-person places are already taken: the capacity cannot be lower.")
                % {"taken": self.instance.seats_taken}
            )
        return capacity


class SessionAdminForm(forms.ModelForm):
    """Base form; the admin adds the model and fields."""

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        taken = self.instance.seats_taken if self.instance.pk else 0
        if taken and (capacity is None or capacity < taken):
            raise forms.ValidationError(
                _("%(taken)s seats are already booked: the number of seats cannot be lower.")
                % {"taken": taken}
            )
        return capacity


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "responsibilities", "email", "phone", "order"]


class SessionInline(admin.TabularInline):
    model = Session
    form = SessionAdminForm
    extra = 0
    fields = ["starts_at", "ends_at", "kind", "title", "room", "in_person_only", "capacity"]
    ordering = ["starts_at", "ends_at"]
    show_change_link = True


@admin.register(Tour)
class TourAdmin(admin.ModelAdmin):
    list_display = ["name", "organiser"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline]


@admin.register(Stop)
class StopAdmin(admin.ModelAdmin):
    form = StopAdminForm
    list_display = ["title", "city", "date", "tour", "status", "follow_up"]
    list_filter = ["tour", "status", "region"]
    list_select_related = ["tour"]
    search_fields = ["title", "city", "theme", "slug"]
    date_hierarchy = "date"
    filter_horizontal = ["partners"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    inlines = [SessionInline, ContactInline]
    actions = ["duplicate"]

    def get_urls(self):
        def wrap(view):
            def wrapped(request, *args, **kwargs):
                return view(request, *args, admin_site=self.admin_site, **kwargs)

            return self.admin_site.admin_view(wrapped)

        pages = [
            ("tableau-de-bord/", admin_views.dashboard, "dashboard"),
            ("export.csv", admin_views.export_csv, "export"),
            ("badges/", admin_views.badge_sheet, "badges"),
            ("accueil/", admin_views.check_in, "check_in"),
            ("message/", admin_views.message_registrants, "message"),
            ("emargement/<int:session_id>/", admin_views.attendance_sheet, "attendance"),
        ]
        return [
            path(f"<int:stop_id>/{route}", wrap(view), name=f"events_stop_{name}")
            for route, view, name in pages
        ] + super().get_urls()

    @admin.display(description=_("follow-up"))
    def follow_up(self, stop):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_stop_dashboard", args=[stop.pk]),
            _("Dashboard"),
        )

    @admin.action(description=_("Duplicate the programme into a new draft stop"))
    def duplicate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one stop to duplicate."), messages.ERROR)
            return None
        source = queryset.get()
        form = DuplicateStopForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            new = duplicate_stop(stop=source, **form.cleaned_data)
            self.log_addition(request, new, [{"added": {}}])
            self.message_user(
                request,
                _("Draft stop “%(stop)s” created from “%(source)s”.")
                % {"stop": new, "source": source},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_stop_change", args=[new.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "source": source,
            "form": form,
            "title": _("Duplicate “%(stop)s”") % {"stop": source},
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/stop/duplicate.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Capacities may have been raised: give the new places to those waiting.
        promote_waiting_lists(stop=form.instance)

    fieldsets = [
        (None, {"fields": ["tour", "status", "title", "slug", "theme", "intro", "hashtag"]}),
        (None, {"fields": ["region", "city", "date", "start_time", "end_time"]}),
        (
            _("Venue and access"),
            {
                "fields": [
                    "venue_name",
                    "venue_address",
                    "access_public_transport",
                    "access_car",
                    "access_from_station",
                ]
            },
        ),
        (
            _("Registration"),
            {
                "fields": [
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "online_url",
                ]
            },
        ),
        (None, {"fields": ["partners"]}),
    ]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionAdminForm
    list_display = ["title", "stop", "kind", "starts_at", "ends_at", "room", "capacity"]
    list_filter = ["stop__tour", "stop", "kind"]
    list_select_related = ["stop"]
    search_fields = ["title", "session_speakers__speaker__last_name"]
    autocomplete_fields = ["stop"]
    inlines = [SessionSpeakerInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        promote_waiting_lists(stop=form.instance.stop)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "responsibilities", "tour", "stop"]
    list_select_related = ["tour", "stop"]
    search_fields = ["name", "email"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    # Logos are checked from their header before any decoding (see intercotour.images).
    formfield_overrides = {
        **URL_FIELDS_ASSUME_HTTPS,
        models.ImageField: {"form_class": SafeImageField},
    }
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name"]
