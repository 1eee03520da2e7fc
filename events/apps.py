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
        _name_stop_partners(Stop.partners.through)


def _name_stop_partners(through):
    """Django's automatic stop–partner link reads "Relation stop-partner: Stop_partners object
    (3)" where the admin lists what a deletion removes. Named in words, as the rest is. Only
    the display changes: the table and the migrations stay as they are."""
    through._meta.verbose_name = _("partner of the stop")
    through._meta.verbose_name_plural = _("partners of the stop")
    through.__str__ = lambda link: f"{link.partner} – {link.stop}"
