"""French names, in the admin, for the apps of third-party packages that have none.

django-otp's TOTP plugin and django-tasks-db name their app (and the plugin its model) in
English, outside gettext: the admin index showed "Otp_Totp / TOTP devices" and "Tasks Database
Backend / Task Results" among French sections. These configurations, listed in
``INSTALLED_APPS`` instead of the packages' own, give them names in the project's catalogue,
and give their admins the project's wording (``intercotour.admin_wording``: titles and
buttons in whole French sentences).

Their fields are named in French the same way (``field.verbose_name``; a field's migration
reads the name it was declared with, ``field._verbose_name``), and the admin pages show
only what an organiser needs, under French labels: the packages write some labels and help
texts outside gettext. Only the names change: migrations read the model's declared options
(``_meta.original_attrs``), so the packages' migrations stay as they are.
"""

from django.conf import settings
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig
from django_tasks_db.apps import TasksAppConfig

from .admin_wording import WordedAdmin, Wording

# The task statuses, as django-tasks names them (``TaskResultStatus``): listed here so that
# the project's catalogue, which the packages lack, translates them.
TASK_STATUSES = (
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)


def _name_model(model, singular, plural, wording, *, fields=None, admin_class=None):
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural
    for name, label in (fields or {}).items():
        model._meta.get_field(name).verbose_name = label
    # The admin app, first in INSTALLED_APPS, has registered the package's admin by now.
    if admin.site.is_registered(model):
        model_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        bases = (WordedAdmin, *([admin_class] if admin_class else []), model_admin)
        worded = type(model_admin.__name__, bases, {"wording": wording})
        admin.site.register(model, worded)


def _moment(value):
    """A date and time as the admin's lists show them ("-" when there is none)."""
    return date_format(localtime(value), "DATETIME_FORMAT") if value else "-"


class AuthenticatorAppStateFilter(admin.SimpleListFilter):
    """ "By state": in use, or enrolled but never confirmed by a first code."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("in_use", capfirst(_("in use"))),
            ("pending", capfirst(_("waiting for its first code"))),
        ]

    def queryset(self, request, queryset):
        if self.value() in {"in_use", "pending"}:
            return queryset.filter(confirmed=self.value() == "in_use")
        return queryset


class AuthenticatorAppAdmin:
    """Seen and deleted, not added nor edited: a device is enrolled by its owner on the
    enrolment page (``intercotour.two_factor``), which checks a first code; a lost phone is
    replaced by deleting its device, and the owner enrols anew at the next sign-in."""

    list_display = ["user", "name", "created_at", "last_used_at", "confirmed"]
    list_filter = [AuthenticatorAppStateFilter, "last_used_at"]
    search_help_text = _("Search by user name or e-mail address")
    fieldsets = None
    # The package's help texts are English and outside gettext: the page shows the values
    # through these methods, which have none.
    fields = ["owner", "device_name", "in_use", "added_on", "last_used_on", "failed_attempts"]

    def get_list_display(self, request):
        return self.list_display  # no link to the secret's QR code

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": self.fields})]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("user"))
    def owner(self, device):
        return device.user

    @admin.display(description=_("name"))
    def device_name(self, device):
        return device.name

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, device):
        return device.confirmed

    @admin.display(description=_("added on"))
    def added_on(self, device):
        return _moment(device.created_at)

    @admin.display(description=_("last used on"))
    def last_used_on(self, device):
        return _moment(device.last_used_at)

    @admin.display(description=_("wrong codes in a row"))
    def failed_attempts(self, device):
        return device.throttling_failure_count

    # The package's pages that show a device's secret key as a QR code, to whoever may view
    # devices: anyone with them could copy another person's second factor.
    SECRET_PAGES = {"otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"}

    def get_urls(self):
        return [url for url in super().get_urls() if url.name not in self.SECRET_PAGES]


class TaskAdmin:
    """The queue as organisers read it: what, when, and how it went."""

    list_display = ["task", "status", "enqueued_at", "started_at", "finished_at", "priority"]
    list_filter = ["status", "priority"]

    def get_readonly_fields(self, request, obj=None):
        return [
            "task",
            "task_path",
            "status",
            "enqueued_at",
            "display_run_after",
            "started_at",
            "finished_at",
            "priority",
            "args_kwargs",
            "return_value",
            "exception_class_path",
            "formatted_traceback",
            "worker_ids",
            "queue_name",
            "backend_name",
            "id",
        ]

    @admin.display(description=_("task"), ordering="task_path")
    def task(self, task_result):
        return settings.TASK_LABELS.get(task_result.task_path, task_result.task_path)

    @admin.display(description=_("error"))
    def formatted_traceback(self, task_result):
        return super().formatted_traceback(task_result)

    @admin.display(description=_("not before"))
    def display_run_after(self, task_result):
        return super().display_run_after(task_result)


class TwoFactorConfig(OTPTOTPConfig):
    verbose_name = _("Two-factor authentication")

    def ready(self):
        super().ready()
        _name_model(
            self.get_model("TOTPDevice"),
            _("authenticator app"),
            _("authenticator apps"),
            Wording(
                add_title=_("New authenticator app"),
                change_title=_("Edit the authenticator app"),
                view_title=_("The authenticator app"),
                add_button=_("Add an authenticator app"),
                delete_selected=_("Delete the selected authenticator apps"),
            ),
            fields={
                "user": _("user"),
                "name": _("name"),
                "confirmed": _("in use"),
                "created_at": _("added on"),
                "last_used_at": _("last used on"),
            },
            admin_class=AuthenticatorAppAdmin,
        )


def _task_result_str(task_result):
    return str(settings.TASK_LABELS.get(task_result.task_path, task_result.task_path))


class TaskQueueConfig(TasksAppConfig):
    verbose_name = _("Task queue")

    def ready(self):
        super().ready()
        # The change page's title and breadcrumb: the task, not "DBTaskResult object (…)".
        self.get_model("DBTaskResult").__str__ = _task_result_str
        _name_model(
            self.get_model("DBTaskResult"),
            _("task"),
            _("tasks"),
            Wording(
                add_title=_("New task"),
                change_title=_("Edit the task"),
                view_title=_("The task"),
                add_button=_("Add a task"),
                delete_selected=_("Delete the selected tasks"),
            ),
            fields={
                "status": _("status"),
                "enqueued_at": _("queued on"),
                "started_at": _("started on"),
                "finished_at": _("finished on"),
                "priority": _("priority"),
                "args_kwargs": _("arguments"),
                "task_path": _("the task's code"),
                "worker_ids": _("workers"),
                "queue_name": _("queue"),
                "backend_name": _("backend"),
                "run_after": _("not before"),
                "return_value": _("result"),
                "exception_class_path": _("exception"),
                "traceback": _("error"),
            },
            admin_class=TaskAdmin,
        )
