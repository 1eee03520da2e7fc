"""What background work keeps: each e-mail to send (the outbox), the scheduler's lease and
when each scheduled job last ran."""

from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .kinds import kind_label


class EmailDeliveryQuerySet(models.QuerySet):
    def counts(self):
        """``{"queued": n, "sent": n, "failed": n, "skipped": n}`` in one query."""
        Status = EmailDelivery.Status
        return self.aggregate(
            **{status.value: Count("pk", filter=Q(status=status)) for status in Status}
        )

    def stalled(self, now):
        """Waiting e-mails whose worker died mid-send: the claim ran out, still not sent."""
        return self.filter(status=EmailDelivery.Status.QUEUED, claimed_until__lt=now)


class EmailDelivery(models.Model):
    """One e-mail to send, once: the task that sends it records the outcome here.

    ``key`` names the event the e-mail is for (unique): enqueueing the same event twice, or
    a task that runs twice, never sends twice. The message is rendered by ``renderer`` (a
    dotted path to a function of the delivery) when it is sent, not in the request.
    """

    class Status(models.TextChoices):
        # One e-mail's status (the dashboards' plural column headers are other messages).
        QUEUED = "queued", pgettext_lazy("an e-mail", "Waiting")
        SENT = "sent", pgettext_lazy("an e-mail", "Sent")
        FAILED = "failed", pgettext_lazy("an e-mail", "Failed")
        SKIPPED = "skipped", pgettext_lazy("an e-mail", "Not needed any more")

    # Unique by a constraint (below), not ``unique=True``: on PostgreSQL that also made a
    # ``LIKE`` index, which no query of a key uses and every e-mail wrote to.
    key = models.CharField(_("idempotency key"), max_length=200)
    kind = models.CharField(_("kind"), max_length=50)
    recipient = models.EmailField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    stop = models.ForeignKey(
        "events.Stop",
        verbose_name=_("stop"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
        db_index=False,  # emaildelivery_stop_status_idx starts with it
    )
    batch = models.CharField(
        _("batch"), max_length=50, blank=True, help_text=_("e.g. the organisers' message.")
    )
    renderer = models.CharField(_("renderer"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("being sent until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = EmailDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stop", "status"], name="emaildelivery_stop_status_idx"),
            models.Index(fields=["batch", "status"], name="emaildelivery_batch_status_idx"),
            models.Index(fields=["status", "claimed_until"], name="emaildelivery_stalled_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["key"], name="emaildelivery_key_unique")]

    def __str__(self):
        return f"{self.kind_name} → {self.recipient}"

    @property
    def kind_name(self):
        """The kind in the organisers' words (``background.kinds``)."""
        return kind_label(self.kind)


class SchedulerLease(models.Model):
    """The one row a scheduler must hold to run jobs: two schedulers never both run them.

    A scheduler takes or renews the lease (``holder``, ``expires_at``) with a conditional
    UPDATE; another one waits until it runs out. Works the same on PostgreSQL and SQLite.
    """

    name = models.CharField(_("name"), max_length=50, unique=True)
    holder = models.CharField(_("holder"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduler lease")
        verbose_name_plural = _("scheduler leases")

    def __str__(self):
        return f"{self.name}: {self.holder or '—'}"


class JobRun(models.Model):
    """When a scheduled job was last enqueued: a scheduler that was down when a job fell due
    runs it once when it is back (missed runs are not repeated one by one)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    ran_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")

    def __str__(self):
        return self.name
