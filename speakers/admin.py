from django.contrib import admin

from .models import SessionSpeaker, Speaker


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    extra = 0
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "job_title", "organisation"]
    search_fields = ["last_name", "first_name", "organisation"]
    prepopulated_fields = {"slug": ["first_name", "last_name"]}


@admin.register(SessionSpeaker)
class SessionSpeakerAdmin(admin.ModelAdmin):
    list_display = ["speaker", "session", "role", "order"]
    list_filter = ["role", "session__stop"]
    list_select_related = ["speaker", "session"]
    autocomplete_fields = ["speaker", "session"]
    search_fields = ["speaker__last_name", "session__title"]
