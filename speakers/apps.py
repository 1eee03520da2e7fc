from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeakersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "speakers"
    verbose_name = _("Speakers")

    def ready(self):
        from background.kinds import name_kinds
        from events.content import track_content

        from .models import Restitution, SessionDocument, SessionSpeaker, Speaker

        track_content(Speaker, SessionSpeaker, Restitution, SessionDocument)
        name_kinds(
            sign_in=_("Speakers’ area sign-in link"),
            invitation=_("Invitation to the speakers’ area"),
            restitution_submitted=_("Workshop restitution to review"),
        )
