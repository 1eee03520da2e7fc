from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from events.admin import extensions
from intercotour.admin_log import log_change
from intercotour.admin_wording import WordedAdmin, WordedInline, Wording

from . import services
from .models import SessionSpeaker, Speaker


class SessionSpeakerInline(WordedInline, admin.TabularInline):
    add_another_label = _("Add a speaker")
    model = SessionSpeaker
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order", "job_title", "organisation"]


extensions.session_inlines.append(SessionSpeakerInline)


@admin.register(Speaker)
class SpeakerAdmin(WordedAdmin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a speaker"),
        change_title=pgettext_lazy("admin page title", "Change the speaker"),
        view_title=pgettext_lazy("admin page title", "View the speaker"),
        add_button=_("Add a speaker"),
        delete_selected=_("Delete the selected speakers"),
    )
    list_display = ["last_name", "first_name", "organisation", "email"]
    search_fields = ["last_name", "first_name", "organisation", "email"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}
    actions = ["send_sign_in_link"]
    change_form_template = "admin/speakers/speaker/change_form.html"

    def save_model(self, request, obj, form, change):
        if change and {"job_title", "organisation"} & set(form.changed_data):
            services.freeze_past_line_ups(speaker=obj)
        super().save_model(request, obj, form, change)

    def _send(self, request, speakers):
        sent = 0
        for speaker in speakers:
            if services.send_invitation(speaker=speaker, sender=request.user):
                log_change(request.user, speaker, _("Invitation to the speakers' area sent."))
                sent += 1
            else:
                self.message_user(
                    request,
                    _("%(name)s has no e-mail address.") % {"name": speaker.full_name},
                    messages.WARNING,
                )
        if sent:
            self.message_user(
                request,
                ngettext("%d invitation sent.", "%d invitations sent.", sent) % sent,
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Invite to the speakers' area (a link valid for days)"),
        permissions=["change"],
    )
    def send_sign_in_link(self, request, queryset):
        self._send(request, queryset)

    def get_urls(self):
        @require_POST
        def send_one(request, speaker_id):
            if not self.has_change_permission(request):
                raise PermissionDenied
            self._send(request, [get_object_or_404(Speaker, pk=speaker_id)])
            return redirect("admin:speakers_speaker_change", speaker_id)

        return [
            path(
                "<int:speaker_id>/lien-connexion/",
                self.admin_site.admin_view(send_one),
                name="speakers_speaker_send_link",
            )
        ] + super().get_urls()


@admin.register(SessionSpeaker)
class SessionSpeakerAdmin(WordedAdmin, admin.ModelAdmin):
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a session speaker"),
        change_title=pgettext_lazy("admin page title", "Change the session speaker"),
        view_title=pgettext_lazy("admin page title", "View the session speaker"),
        add_button=_("Add a session speaker"),
        delete_selected=_("Delete the selected session speakers"),
    )
    list_display = ["speaker", "session", "role", "order"]
    list_filter = ["role", "session__stop"]
    list_select_related = ["speaker", "session"]
    autocomplete_fields = ["speaker", "session"]
    search_fields = ["speaker__last_name", "session__title"]
