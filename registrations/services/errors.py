"""Domain exceptions of the registration services; each names the form field it concerns."""

from django.utils.translation import gettext_lazy as _


class RegistrationError(Exception):
    """A registration request the rules refuse; ``field`` names the form field concerned."""

    default_message = _("This request cannot be accepted.")
    field = None

    def __init__(self, message=None, *, field=None):
        self.message = message or self.default_message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))


class RegistrationClosed(RegistrationError):
    default_message = _("Registration for this day is not open.")


class StopFull(RegistrationError):
    default_message = _(
        "All in-person places are taken. Tick the box to join the waiting list, or choose to "
        "follow the day online."
    )
    field = "accept_waiting_list"


class WorkshopFull(RegistrationError):
    field = "accept_waiting_list"

    def __init__(self, workshop):
        self.workshop = workshop
        super().__init__(
            _(
                "The workshop “%(title)s” is full. Tick the box to join its waiting list, "
                "or choose another one."
            )
            % {"title": workshop.title}
        )


class InvalidWorkshopChoice(RegistrationError):
    default_message = _("This workshop is not part of this day.")


class RegistrationCancelled(RegistrationError):
    default_message = _("This registration has been cancelled.")


class NoFreePlace(RegistrationError):
    default_message = _("No in-person place is free: raise the capacity first.")


class AlreadyCheckedIn(RegistrationError):
    default_message = _("Already checked in.")


class EmailTaken(RegistrationError):
    default_message = _("This e-mail address is already registered for this day.")
    field = "email"


class CertificatesUnavailable(RegistrationError):
    """The stop's certificates cannot be gathered yet (day not over, nobody checked in)."""
