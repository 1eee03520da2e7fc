from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Tour and stops")

    def ready(self):
        from django.db.models.signals import m2m_changed

        from . import checks  # noqa: F401 (registers the deploy checks)
        from .content import bump_content_version, track_content
        from .models import Contact, Partner, Session, Stop, Tour

        track_content(Tour, Stop, Session, Contact, Partner)
        m2m_changed.connect(
            bump_content_version, sender=Stop.partners.through, dispatch_uid="content-version-m2m"
        )
