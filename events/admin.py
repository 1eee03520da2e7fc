"""The programme's admin pages: tours, stops, sessions, contacts, partners.

Apps built on ``events`` add their own pieces to these pages through ``extensions`` (events
imports none of them): the speakers app adds the line-up inline, the registrations app the
stop's desk pages and what follows a capacity change.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from intercotour.admin_wording import WordedAdmin, WordedInline, Wording
from intercotour.images import SafeImageField

from .admin_duplicate import duplicate_page, duplicate_view
from .models import (
    Contact,
    Partner,
    Session,
    Stop,
    Tour,
    next_first_ordering,
)

admin.site.site_header = _("IntercoTOUR back-office")
admin.site.site_title = _("IntercoTOUR back-office")
admin.site.index_title = _("Tour, stops and registrations")
# The sidebar took a quarter of a laptop's width and 40 % of a tablet's; the home page lists
# the next days and every model, and each page's breadcrumbs lead back to it.
admin.site.enable_nav_sidebar = False

# URLs typed without a scheme are taken as https (Django 6's default, silenced warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@dataclass
class ProgrammeAdminExtensions:
    """What apps built on ``events`` add to the stop and session admin pages."""

    # (route under /admin/events/stop/<id>/, view(request, stop_id, admin_site, ...), name)
    stop_pages: list = field(default_factory=list)
    # (label, admin URL name taking the stop's id): links on the stop's page and in the list
    stop_links: list = field(default_factory=list)
    session_inlines: list = field(default_factory=list)
    # callables(stop) run once a stop or session and its inlines are saved
    after_programme_saved: list = field(default_factory=list)
    # callables(session) -> True when something of another app hangs on the session (people
    # booked or waiting): it may then not move to another day nor change kind (its deletion
    # is refused by the foreign keys that protect it)
    session_in_use: list = field(default_factory=list)


def session_in_use(session):
    return session.pk is not None and any(check(session) for check in extensions.session_in_use)


extensions = ProgrammeAdminExtensions()


def save_changed_fields(obj, form, change):
    """Save a new object whole, a changed one with only the columns its form changed.

    A row that carries counters or statuses kept by services (``seats_taken``) must never be
    written back with the values the form read: a registration committed in between would
    be overwritten.
    """
    if not change or obj.pk is None:
        obj.save()
        return
    concrete = {f.name for f in obj._meta.concrete_fields if not f.primary_key}
    changed = [name for name in form.changed_data if name in concrete]
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])


def _lock_and_check_seats(model, instance, capacity, message):
    """Lock the row (the admin saves in one transaction) and compare with the seats taken."""
    if instance.pk is None:
        return capacity
    taken = (
        model.objects.select_for_update(no_key=True)  # as the services' locks
        .values_list("seats_taken", flat=True)
        .get(pk=instance.pk)
    )
    if taken and (capacity is None or capacity < taken):
        raise forms.ValidationError(message % {"taken": taken})
    return capacity


class StopAdminForm(forms.ModelForm):
    """Base form; the admin adds the model and fields."""

    def clean_capacity(self):
        return _lock_and_check_seats(
            Stop,
            self.instance,
            self.cleaned_data["capacity"],
            ngettext_lazy(
                "%(taken)s in-person place is already taken: the capacity cannot be lower.",
                "%(taken)s in-person places are already taken: the capacity cannot be lower.",
                "taken",
            ),
        )


class SessionAdminForm(forms.ModelForm):
    """Base form; the admin adds the model and fields."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Session.Kind.WORKSHOP:
            # Workshops are in person only by definition: not a box to forget (the stop's
            # session rows have none), and their seats are said next to the field.
            cleaned["in_person_only"] = self.instance.in_person_only = True
            if not cleaned.get("capacity") and "capacity" not in self.errors:
                self.add_error(
                    "capacity", _("A workshop needs a number of seats greater than zero.")
                )
        if cleaned.get("capacity") == 0:
            self.add_error("capacity", _("The number of seats must be greater than zero."))
        moved = {"stop", "kind"} & set(self.changed_data)
        if moved and session_in_use(self.instance):
            raise forms.ValidationError(
                _(
                    "“%(title)s” has people booked or waiting: cancel or move their bookings "
                    "before moving it to another day or changing its kind."
                )
                % {"title": self.instance.title}
            )
        return cleaned

    def clean_capacity(self):
        if self.instance.pk is not None:
            # The stop's row first, then the session's, as every registration service locks
            # them: this save and a registration never wait on each other (no deadlock).
            list(
                Stop.objects.select_for_update(no_key=True)
                .filter(pk=self.instance.stop_id)
                .values_list("pk", flat=True)
            )
        return _lock_and_check_seats(
            Session,
            self.instance,
            self.cleaned_data["capacity"],
            ngettext_lazy(
                "%(taken)s seat is already booked: the number of seats cannot be lower.",
                "%(taken)s seats are already booked: the number of seats cannot be lower.",
                "taken",
            ),
        )


class SessionInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.seats_taken:
                raise forms.ValidationError(
                    _(
                        "“%(title)s” has booked seats: cancel or move its bookings before "
                        "deleting it."
                    )
                    % {"title": form.instance.title}
                )


class ContactInline(WordedInline, admin.TabularInline):
    add_another_label = _("Add a contact")
    model = Contact
    extra = 0
    fields = ["name", "responsibilities", "email", "phone", "order"]


def stop_on_site(stop):
    """The stop's public page, once published (a draft's address answers 404)."""
    return stop.get_absolute_url() if stop.status == Stop.Status.PUBLISHED else None


def session_on_site(session):
    """A session's place on its stop's page, once the stop is published."""
    return session.get_absolute_url() if stop_on_site(session.stop) else None


class SessionInline(WordedInline, admin.TabularInline):
    add_another_label = _("Add a session")
    model = Session
    form = SessionAdminForm
    formset = SessionInlineFormSet
    extra = 0
    # What fits a tablet; the room and in-person-only are on the session's own page.
    fields = ["starts_at", "ends_at", "kind", "title", "capacity"]
    ordering = ["starts_at", "ends_at"]
    show_change_link = True

    def view_on_site(self, session):
        return session_on_site(session)


@admin.register(Tour)
class TourAdmin(WordedAdmin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a tour"),
        change_title=pgettext_lazy("admin page title", "Change the tour"),
        view_title=pgettext_lazy("admin page title", "View the tour"),
        add_button=_("Add a tour"),
        delete_selected=_("Delete the selected tours"),
    )
    list_display = ["name", "organiser"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ContactInline]


class ProgrammeSaveMixin:
    """Saves only what the forms changed, then runs what other apps attach to a save."""

    def save_model(self, request, obj, form, change):
        save_changed_fields(obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        changed_forms = {id(f.instance): f for f in formset.forms}
        for obj in instances:
            save_changed_fields(obj, changed_forms[id(obj)], obj.pk is not None)
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        stop = form.instance if isinstance(form.instance, Stop) else form.instance.stop
        for hook in extensions.after_programme_saved:
            hook(stop)


@admin.register(Stop)
class StopAdmin(WordedAdmin, ProgrammeSaveMixin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a stop"),
        change_title=pgettext_lazy("admin page title", "Change the stop"),
        view_title=pgettext_lazy("admin page title", "View the stop"),
        add_button=_("Add a stop"),
        delete_selected=_("Delete the selected stops"),
    )
    form = StopAdminForm
    list_display = ["date", "city", "title", "status", "follow_up"]
    list_display_links = ["date", "city"]
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

        duplicate = path(
            "<int:stop_id>/dupliquer/",
            self.admin_site.admin_view(duplicate_view(self)),
            name="events_stop_duplicate",
        )
        return [
            duplicate,
            *(
                path(f"<int:stop_id>/{route}", wrap(view), name=f"events_stop_{name}")
                for route, view, name in extensions.stop_pages
            ),
        ] + super().get_urls()

    def view_on_site(self, stop):
        return stop_on_site(stop)

    def get_ordering(self, request):
        # The next stop first, here and wherever stops are listed from this admin (filters).
        return next_first_ordering()

    def _links(self, stop):
        return [(label, reverse(name, args=[stop.pk])) for label, name in extensions.stop_links]

    @admin.display(description=_("follow-up"))
    def follow_up(self, stop):
        return format_html_join(
            " · ", '<a href="{}">{}</a>', ((url, label) for label, url in self._links(stop)[:2])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        stop = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), "stop_links": self._links(stop) if stop else []}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=_("Duplicate the programme into a new draft stop"), permissions=["add"]
    )
    def duplicate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one stop to duplicate."), messages.ERROR)
            return None
        source = queryset.get()
        if "apply" in request.POST:
            return duplicate_page(self, request, source)
        return HttpResponseRedirect(reverse("admin:events_stop_duplicate", args=[source.pk]))

    fieldsets = [
        (None, {"fields": ["tour", "status", "title", "slug", "theme", "intro"]}),
        (_("To discover"), {"fields": ["highlights_title", "highlights"]}),
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
                    "reminder_days",
                ]
            },
        ),
        (_("Follow the day"), {"fields": ["hashtag", "more_info_url", "online_url"]}),
        (None, {"fields": ["partners"]}),
    ]


@admin.register(Session)
class SessionAdmin(WordedAdmin, ProgrammeSaveMixin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a session"),
        change_title=pgettext_lazy("admin page title", "Change the session"),
        view_title=pgettext_lazy("admin page title", "View the session"),
        add_button=_("Add a session"),
        delete_selected=_("Delete the selected sessions"),
    )
    form = SessionAdminForm
    list_display = ["title", "day", "time", "kind", "room", "capacity"]
    list_filter = ["stop__tour", "stop", "kind"]
    list_select_related = ["stop"]
    search_fields = ["title", "session_speakers__speaker__last_name"]
    autocomplete_fields = ["stop"]
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS

    def view_on_site(self, session):
        return session_on_site(session)

    @admin.display(description=_("stop"), ordering="stop__date")
    def day(self, session):
        return f"{session.stop.city} {session.stop.date:%d/%m/%Y}"

    @admin.display(description=_("time"), ordering="starts_at")
    def time(self, session):
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return f"{formats.time_format(starts)}–{formats.time_format(ends)}"

    def get_ordering(self, request):
        return [*next_first_ordering(prefix="stop__"), "starts_at", "pk"]

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *extensions.session_inlines]


@admin.register(Contact)
class ContactAdmin(WordedAdmin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a contact"),
        change_title=pgettext_lazy("admin page title", "Change the contact"),
        view_title=pgettext_lazy("admin page title", "View the contact"),
        add_button=_("Add a contact"),
        delete_selected=_("Delete the selected contacts"),
    )
    list_display = ["name", "responsibilities", "tour", "stop"]
    list_select_related = ["tour", "stop"]
    search_fields = ["name", "email"]


@admin.register(Partner)
class PartnerAdmin(WordedAdmin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a partner"),
        change_title=pgettext_lazy("admin page title", "Change the partner"),
        view_title=pgettext_lazy("admin page title", "View the partner"),
        add_button=_("Add a partner"),
        delete_selected=_("Delete the selected partners"),
    )
    # Logos are checked from their header before any decoding (see intercotour.images).
    formfield_overrides = {
        **URL_FIELDS_ASSUME_HTTPS,
        models.ImageField: {"form_class": SafeImageField},
    }
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name"]
