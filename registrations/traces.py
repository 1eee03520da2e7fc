"""What a registrant leaves outside their registration row, and how it is wiped.

- the admin history: ``LogEntry`` rows about the registration carry the person's name in
  ``object_repr`` and sometimes in the change message;
- the e-mails sent or to send to them (the outbox, ``background.models.EmailDelivery``: each
  holds their address and names their registration).

Used by the yearly purge (``services.purge_old_registrations``) and by an erasure at the
person's request (``services.erase_registration``).
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from background.models import EmailDelivery

from .models import Registration


def forget_in_admin_history(registration_ids):
    """Delete the admin history lines about these registrations; returns how many."""
    content_type = ContentType.objects.get_for_model(Registration)
    count, _deleted = LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in registration_ids]
    ).delete()
    return count


def forget(registrations):
    """All of the above and the e-mail records, for a queryset of registrations."""
    rows = list(registrations.values_list("pk", "email"))
    forget_in_admin_history([pk for pk, _email in rows])
    emails_of([pk for pk, _email in rows]).delete()


def emails_of(registration_ids):
    """The outbox rows of these registrations' e-mails."""
    return EmailDelivery.objects.filter(params__registration__in=list(registration_ids))
