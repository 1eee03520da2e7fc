"""The outbox in the admin: every e-mail, its status and errors; send again."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from intercotour.admin_log import log_change
from intercotour.admin_wording import WordedAdmin, Wording

from . import outbox
from .kinds import kind_choices
from .models import EmailDelivery


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(WordedAdmin, admin.ModelAdmin):
    # Each e-mail is read, never edited: its page is a view (the actions need "change").
    wording = Wording(
        add_title=pgettext_lazy("admin page title", "Add an e-mail"),
        change_title=pgettext_lazy("admin page title", "View the e-mail"),
        view_title=pgettext_lazy("admin page title", "View the e-mail"),
        add_button=_("Add an e-mail"),
        delete_selected=_("Delete the selected e-mails"),
    )
    list_display = ["recipient", "kind_name", "subject", "stop", "status", "attempts", "created_at"]
    list_filter = ["status", KindFilter, "stop"]
    list_select_related = ["stop"]
    search_fields = ["recipient", "subject"]
    # What an organiser needs to know of one e-mail; the key, the renderer, its parameters
    # and the claim are the outbox's own workings. The body is not kept: it is rendered when
    # sent, with the person's management link in it.
    fields = readonly_fields = [
        "kind_name",
        "recipient",
        "subject",
        "stop",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["resend"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, delivery):
        return delivery.kind_name

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
