from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self):
        from background.kinds import name_kinds

        name_kinds(
            received=_("Registration confirmation"),
            existing=_("Already registered"),
            changed=_("Registration changed"),
            promoted=_("Place from the waiting list"),
            cancelled=_("Cancellation"),
            fresh_link=_("Management link"),
            certificate=_("Attendance certificate"),
            survey=_("Feedback survey"),
            message=_("Organisers’ message"),
            reminder=_("Confirm or free the place"),
            practical=_("Practical reminder"),
            tour_sign_in=_("“Mon parcours” sign-in link"),
        )
