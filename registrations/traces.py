"""What a registrant leaves outside their registration row, and how it is wiped.

- the admin history: ``LogEntry`` rows about the registration carry the person's name in
  ``object_repr`` and sometimes in the change message;
- sessions: the registration form keeps the e-mail address in the visitor's session to say
  where the confirmation went (``registration_email``);
- the e-mails sent or to send to them (the outbox, ``background.models.EmailDelivery``: each
  holds their address and names their registration).

Used by the yearly purge (``services.purge_old_registrations``) and by an erasure at the
person's request (``services.erase_registration``).
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from background.models import EmailDelivery

from .models import Registration

SESSION_EMAIL_KEY = "registration_email"


def forget_in_admin_history(registration_ids):
    """Delete the admin history lines about these registrations; returns how many."""
    content_type = ContentType.objects.get_for_model(Registration)
    count, _deleted = LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in registration_ids]
    ).delete()
    return count


def forget_in_sessions(emails):
    """Delete expired sessions, and every session remembering one of these e-mail addresses."""
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    emails = {email.lower() for email in emails if email}
    if not emails:
        return 0
    store = SessionStore()
    stale = [
        session.pk
        for session in Session.objects.iterator(chunk_size=500)
        if str(store.decode(session.session_data).get(SESSION_EMAIL_KEY, "")).lower() in emails
    ]
    Session.objects.filter(pk__in=stale).delete()
    return len(stale)


def forget(registrations):
    """All of the above and the e-mail records, for a queryset of registrations."""
    rows = list(registrations.values_list("pk", "email"))
    forget_in_admin_history([pk for pk, _email in rows])
    forget_in_sessions([email for _pk, email in rows])
    emails_of([pk for pk, _email in rows]).delete()


def emails_of(registration_ids):
    """The outbox rows of these registrations' e-mails."""
    return EmailDelivery.objects.filter(params__registration__in=list(registration_ids))
