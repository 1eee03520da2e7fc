"""French names, in the admin, for the apps of third-party packages that have none.

django-otp's TOTP plugin and django-tasks-db name their app (and the plugin its model) in
English, outside gettext: the admin index showed "Otp_Totp / TOTP devices" and "Tasks Database
Backend / Task Results" among French sections. These configurations, listed in
``INSTALLED_APPS`` instead of the packages' own, give them names in the project's catalogue,
and give their admins the project's wording (``intercotour.admin_wording``: titles and
buttons in whole French sentences).

Only ``_meta.verbose_name`` and ``verbose_name_plural`` change: migrations read the model's
declared options (``_meta.original_attrs``), so the packages' migrations stay as they are.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig
from django_tasks_db.apps import TasksAppConfig

from .admin_wording import WordedAdmin, Wording


def _name_model(model, singular, plural, wording):
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural
    # The admin app, first in INSTALLED_APPS, has registered the package's admin by now.
    if admin.site.is_registered(model):
        model_admin = type(admin.site.get_model_admin(model))
        admin.site.unregister(model)
        worded = type(model_admin.__name__, (WordedAdmin, model_admin), {"wording": wording})
        admin.site.register(model, worded)


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
        )


class TaskQueueConfig(TasksAppConfig):
    verbose_name = _("Task queue")

    def ready(self):
        super().ready()
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
        )
