from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Tour and stops")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy checks)
        from .content import connect_signals

        connect_signals()
