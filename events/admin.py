from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from registrations.services import promote_waiting_lists
from speakers.admin import SessionSpeakerInline

from .models import Contact, Partner, Session, Stop, Tour

# URLs typed without a scheme are taken as https (Django 6's default, silenced warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


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
    list_display = ["title", "city", "date", "tour", "status"]
    list_filter = ["tour", "status", "region"]
    list_select_related = ["tour"]
    search_fields = ["title", "city", "theme", "slug"]
    date_hierarchy = "date"
    filter_horizontal = ["partners"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    inlines = [SessionInline, ContactInline]

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
    list_display = ["name", "kind", "url"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_filter = ["kind"]
    search_fields = ["name"]
