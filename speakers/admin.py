from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from events.admin import extensions
from intercotour.admin_log import log_change
from intercotour.admin_wording import WordedAdmin, WordedInline, Wording

from . import documents, restitutions, services
from .models import Restitution, SessionDocument, SessionSpeaker, Speaker
from .views import pdf_response


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

    def view_on_site(self, speaker):
        """The public page, for a speaker the site shows (in a published stop's line-up)."""
        if Speaker.objects.public().filter(pk=speaker.pk).exists():
            return speaker.get_absolute_url()
        return None

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


@admin.register(Restitution)
class RestitutionAdmin(WordedAdmin, admin.ModelAdmin):
    """Organisers read, correct and publish what the rapporteurs wrote."""

    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a workshop restitution"),
        change_title=pgettext_lazy("admin page title", "Change the workshop restitution"),
        view_title=pgettext_lazy("admin page title", "View the workshop restitution"),
        add_button=_("Add a workshop restitution"),
        delete_selected=_("Delete the selected workshop restitutions"),
    )
    list_display = ["session", "stop", "status", "author", "updated_at"]
    list_filter = ["status", "session__stop"]
    list_select_related = ["session__stop", "author"]
    search_fields = ["session__title", "summary"]
    autocomplete_fields = ["session", "author"]
    fields = ["session", "author", "summary", "key_points", "proposals", "status"]
    readonly_fields = ["status"]
    actions = ["publish", "unpublish"]
    change_form_template = "admin/speakers/restitution/change_form.html"

    @admin.display(description=_("stop"), ordering="session__stop__date")
    def stop(self, restitution):
        return restitution.session.stop

    def has_publish_permission(self, request):
        return request.user.has_perm("speakers.publish_restitution")

    @admin.action(description=_("Publish the selected restitutions"), permissions=["publish"])
    def publish(self, request, queryset):
        count = restitutions.publish_restitutions(restitutions=queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%d restitution published.", "%d restitutions published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected restitutions"), permissions=["publish"])
    def unpublish(self, request, queryset):
        count = restitutions.unpublish_restitutions(restitutions=queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%d restitution unpublished.", "%d restitutions unpublished.", count) % count,
            messages.SUCCESS,
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context["can_publish"] = self.has_publish_permission(request)
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):
        """Publish or unpublish from the restitution's own page (where the e-mail to the
        organisers leads), as the list's actions do."""

        def one(action):
            @require_POST
            def view(request, restitution_id):
                if not self.has_publish_permission(request):
                    raise PermissionDenied
                found = Restitution.objects.filter(pk=restitution_id)
                get_object_or_404(found)
                getattr(self, action)(request, found)
                return redirect("admin:speakers_restitution_change", restitution_id)

            return self.admin_site.admin_view(view)

        return [
            path(
                "<int:restitution_id>/publier/",
                one("publish"),
                name="speakers_restitution_publish",
            ),
            path(
                "<int:restitution_id>/depublier/",
                one("unpublish"),
                name="speakers_restitution_unpublish",
            ),
        ] + super().get_urls()


@admin.register(SessionDocument)
class SessionDocumentAdmin(WordedAdmin, admin.ModelAdmin):
    """The speakers' documents, checked when they uploaded them: organisers see or remove."""

    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add a session document"),
        change_title=pgettext_lazy("admin page title", "Change the session document"),
        view_title=pgettext_lazy("admin page title", "View the session document"),
        add_button=_("Add a session document"),
        delete_selected=_("Delete the selected session documents"),
    )
    list_display = ["title", "session", "speaker", "pages", "size", "created_at"]
    list_filter = ["session__stop"]
    list_select_related = ["session", "speaker"]
    search_fields = ["title", "session__title", "speaker__last_name"]
    fields = ["title", "session", "speaker", "pages", "size", "download"]
    readonly_fields = ["session", "speaker", "pages", "size", "download"]

    @admin.display(description=_("file"))
    def download(self, document):
        url = reverse("admin:speakers_sessiondocument_file", args=[document.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    def has_add_permission(self, request):
        return False  # speakers upload from their area, where each file is checked

    def delete_model(self, request, obj):
        documents.delete_documents([obj])

    def delete_queryset(self, request, queryset):
        documents.delete_documents(queryset)

    def get_urls(self):
        def download_file(request, document_id):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return pdf_response(get_object_or_404(SessionDocument, pk=document_id))

        return [
            path(
                "<int:document_id>/fichier/",
                self.admin_site.admin_view(download_file),
                name="speakers_sessiondocument_file",
            )
        ] + super().get_urls()
