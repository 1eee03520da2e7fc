from django.contrib import admin

from .models import Registration, WorkshopBooking


class WorkshopBookingInline(admin.TabularInline):
    model = WorkshopBooking
    extra = 0
    fields = ["session", "status", "waiting_since"]
    readonly_fields = ["session", "status", "waiting_since"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # seats change only through the registration services


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "organisation",
        "category",
        "stop",
        "mode",
        "status",
        "checked_in_at",
    ]
    list_filter = ["stop", "mode", "status", "category"]
    list_select_related = ["stop"]
    search_fields = ["last_name", "first_name", "email", "organisation"]
    readonly_fields = ["stop", "email", "mode", "status", "waiting_since", "cancelled_at"]
    inlines = [WorkshopBookingInline]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # registrations come through the registration services
