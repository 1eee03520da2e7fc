"""The outbox: every e-mail is a row, sent by a task, retried with back-off, never twice.

``queue_email()`` is called inside the service's transaction: the delivery row and its task
row are committed with the change, or not at all. The ``deliver`` task claims the row (a
short lease, so that two workers never send it together), renders the message with the
delivery's ``renderer``, sends it with ``EMAIL_TIMEOUT``, and records the outcome: sent,
or a new attempt a little later (1, 2, 4, 8, 16, then every 30 minutes: about a day with the
default ``EMAIL_MAX_ATTEMPTS``, so that an e-mail outlives a mail server's outage), or failed
after the last attempt. A worker killed mid-send leaves the claim to run out;
``requeue_stalled`` (scheduled) then enqueues it again. A worker killed before it claimed the
e-mail leaves its task running: ``background.sweeps`` runs such tasks again. Delivery is
"at least once" towards the mail server, never twice for a recorded success.
"""

import datetime
import logging
import smtplib
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from intercotour import rows

from .models import EmailDelivery

logger = logging.getLogger(__name__)
Status = EmailDelivery.Status
WORKER_STOPPED = "The worker stopped while sending it."


class NothingToSend(Exception):
    """Raised by a renderer when the e-mail is no longer relevant (e.g. the person is gone)."""


def queue_email(*, kind, to, renderer, params=None, key=None, stop=None, batch=""):
    """Record an e-mail to send and enqueue its task; returns ``(delivery, created)``.

    ``key`` names the event: the same key twice records and sends one e-mail. Without a key
    the call is its own event (a fresh link asked for twice is sent twice).
    """
    fields = {
        "kind": kind,
        "recipient": to,
        "renderer": renderer,
        "params": params or {},
        "stop": stop,
        "batch": batch,
    }
    if key is None:
        # Written out: a registration queues one, on the hot path of a burst.
        delivery = rows.insert(EmailDelivery(key=f"{kind}:{uuid.uuid4().hex}", **fields))
    else:
        delivery, created = EmailDelivery.objects.get_or_create(key=key, defaults=fields)
        if not created:
            return delivery, False
    _enqueue(delivery)
    return delivery, True


def _enqueue(delivery, delay=None):
    """Enqueue ``deliver``; ``delay`` waits before the attempt where the backend can."""
    run_after = timezone.now() + delay if delay else None
    task_ = deliver
    if run_after is not None and task_.get_backend().supports_defer:
        task_ = deliver.using(run_after=run_after)
    task_.enqueue(delivery.pk)


def _refused_recipient(code, message):
    # 5xx for this address ("5.1.1 user unknown"), not our server's policy ("5.7.1 relay
    # denied": our settings are wrong, and every e-mail would fail until they are fixed).
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return code >= 500 and not text.lstrip().startswith("5.7.")


def refused_for_good(error):
    """Whether the mail server refused the e-mail's recipient for good ("550 5.1.1 user
    unknown"): trying again tomorrow would be refused the same way. Refusals of our own
    server's login, sender or policy (535, 530, "5.7.x") are retried: they are faults to fix
    on our side, and the e-mail must leave once they are."""
    if not isinstance(error, smtplib.SMTPRecipientsRefused) or not error.recipients:
        return False
    return all(_refused_recipient(code, message) for code, message in error.recipients.values())


def backoff(attempts):
    """The wait before the next attempt: 1, 2, 4, 8, 16 minutes, then every half hour."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 30))


def claim_duration():
    """How long one attempt holds its e-mail: the send's timeout, thrice, and a minute."""
    return datetime.timedelta(seconds=settings.EMAIL_TIMEOUT * 3 + 60)


def _claim(delivery_id, now):
    """Take the delivery for one attempt; None when sent, failed, or held by another worker."""
    with transaction.atomic():
        delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != Status.QUEUED:
            return None
        if delivery.claimed_until and delivery.claimed_until > now:
            return None
        if delivery.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            # Its last attempts never ended (a worker that dies rendering or sending it):
            # shown as failed, not taken up again every time its claim runs out.
            delivery.status, delivery.claimed_until = Status.FAILED, None
            delivery.last_error = WORKER_STOPPED
            delivery.save(update_fields=["status", "claimed_until", "last_error"])
            return None
        delivery.attempts += 1
        delivery.claimed_until = now + claim_duration()
        delivery.save(update_fields=["attempts", "claimed_until"])
    return delivery


def _record(delivery, **fields):
    EmailDelivery.objects.filter(pk=delivery.pk).update(claimed_until=None, **fields)


@task()
def deliver(delivery_id):
    """Send one recorded e-mail, once; returns what happened."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return "nothing to do"
    try:
        message = import_string(delivery.renderer)(delivery)
        subject = str(message.subject)[:300]
        message.send()
    except NothingToSend as reason:
        _record(delivery, status=Status.SKIPPED, last_error=str(reason))
        return "skipped"
    except Exception as error:  # noqa: BLE001 - a mail server fails in many ways
        logger.warning("E-mail %s to %s failed: %r", delivery.key, delivery.recipient, error)
        last_error = f"{type(error).__name__}: {error}"[:2000]
        if delivery.attempts >= settings.EMAIL_MAX_ATTEMPTS or refused_for_good(error):
            _record(delivery, status=Status.FAILED, last_error=last_error)
            return "failed"
        wait = backoff(delivery.attempts)
        with transaction.atomic():  # a worker killed here leaves both undone: the claim runs out
            _record(delivery, last_error=last_error, next_attempt_at=timezone.now() + wait)
            _enqueue(delivery, delay=wait)
        return "retry"
    _record(delivery, status=Status.SENT, subject=subject, sent_at=timezone.now())
    return "sent"


@transaction.atomic
def resend(*, delivery):
    """An organiser sends the e-mail again: a fresh set of attempts, at once."""
    delivery = EmailDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status, delivery.attempts, delivery.claimed_until = Status.QUEUED, 0, None
    delivery.next_attempt_at = None
    delivery.save(update_fields=["status", "attempts", "claimed_until", "next_attempt_at"])
    _enqueue(delivery)
    return delivery


@task()
def requeue_stalled():
    """Scheduled: e-mails whose worker died mid-send are enqueued again; returns how many."""
    count = 0
    for delivery in EmailDelivery.objects.stalled(timezone.now()).order_by("pk")[:1000]:
        with transaction.atomic():
            updated = EmailDelivery.objects.stalled(timezone.now()).filter(pk=delivery.pk)
            if updated.update(claimed_until=None):
                _enqueue(delivery)
                count += 1
    return count
