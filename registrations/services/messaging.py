"""Organisers' messages to a stop's registrants: recorded, then sent by a task."""

from django.db import transaction
from django_tasks import task

from .. import emails, selectors
from ..models import Message


@transaction.atomic
def message_registrants(*, stop, subject, body, audience="confirmed", workshop=None, sent_by=""):
    """Record the message and enqueue its sending; returns the Message.

    The task (``send_message``) puts one e-mail per recipient in the outbox; the admin shows
    their progress (waiting, sent, failed).
    """
    if workshop is not None and audience == Message.Audience.CONFIRMED:
        audience = Message.Audience.WORKSHOP
    message = Message.objects.create(
        stop=stop,
        audience=audience,
        workshop=workshop,
        subject=subject,
        body=body,
        sent_by=sent_by,
        recipients=selectors.message_recipients(
            stop=stop, audience=audience, workshop=workshop
        ).count(),
    )
    send_message.enqueue(message.pk)
    return message


@transaction.atomic
def resume_message(*, message):
    """An organiser resumes a message whose sending stopped (its task failed, or its worker
    kept dying): the task runs again, and each person gets the message at most once."""
    send_message.enqueue(message.pk)
    return message


@task()
def send_message(message_id):
    """One outbox e-mail per recipient; running it again adds none (one key per person)."""
    message = Message.objects.select_related("stop", "workshop").filter(pk=message_id).first()
    if message is None:
        return 0
    recipients = selectors.message_recipients(
        stop=message.stop, audience=message.audience, workshop=message.workshop
    )
    queued = 0
    for registration in recipients.iterator(chunk_size=500):
        with transaction.atomic():
            emails.send_message(message, registration)
        queued += 1
    return queued
