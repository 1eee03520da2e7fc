"""The outbox in the admin: every e-mail, its status and errors; send again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from intercotour.admin_log import log_change

from . import outbox
from .models import EmailDelivery


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "subject", "stop", "status", "attempts", "created_at"]
    list_filter = ["status", "kind", "stop"]
    list_select_related = ["stop"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in EmailDelivery._meta.fields]
    actions = ["resend"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"), permissions=["change"])
    def resend(self, request, queryset):
        count = 0
        for delivery in queryset:
            outbox.resend(delivery=delivery)
            log_change(request.user, delivery, _("E-mail queued to be sent again."))
            count += 1
        self.message_user(
            request,
            ngettext("%d e-mail queued again.", "%d e-mails queued again.", count) % count,
            messages.SUCCESS,
        )
