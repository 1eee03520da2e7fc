"""The registrations' background tasks: scheduled jobs and the "send me a link" lookups.

Each is idempotent: running it twice sends nothing twice (the outbox keys say so).
"""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import emails, services
from .models import Registration


@task()
def purge_old_registrations():
    """Scheduled daily: what the privacy notice promises is deleted when it says."""
    return services.purge_old_registrations()


@task()
def send_reminders():
    """Scheduled daily: "confirm or free your place" and the practical reminder; how many."""
    return services.queue_reminders()


@task()
def send_certificates():
    """Scheduled daily: the attendance certificates of the days just over; how many."""
    return services.send_due_certificates()


@task()
def send_surveys():
    """Scheduled daily: the survey of the days just over, each attendee once; how many."""
    return services.send_due_surveys()


@task(takes_context=True)
def send_fresh_links(context, email):
    """The "send me a link" form: the address is looked up here, never in the request.

    One e-mail per registration and request: a run again (its worker died) sends none twice.
    """
    today = timezone.localdate()
    registrations = Registration.objects.active_with_email(email).filter(stop__date__gte=today)
    sent = 0
    with transaction.atomic():
        for registration in registrations.select_related("stop"):
            emails.send_fresh_link(registration, request=context.task_result.id)
            sent += 1
    return sent
