from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "speakers"
    verbose_name = _("Speakers")

    def ready(self):
        from events.content import track_content

        from .models import Restitution, SessionDocument, SessionSpeaker, Speaker

        track_content(Speaker, SessionSpeaker, Restitution, SessionDocument)
