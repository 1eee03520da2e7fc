from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Open programme data: frab schedule exports and the read-only JSON API.

    Sits above ``events`` and ``speakers``; nothing below imports it.
    """

    name = "opendata"
    verbose_name = _("Open data")
