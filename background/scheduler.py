"""Scheduled jobs: cron-like triggers (APScheduler's) that enqueue tasks, under one lease.

``django-crontask`` does this on Django 6; on Django 5.2 LTS these few lines do the same.
Each job in ``settings.SCHEDULED_TASKS`` is ``(name, crontab, task path)``. A scheduler
process ticks every few seconds: it takes or renews the lease (one row, conditional UPDATE,
so on PostgreSQL and SQLite alike only one scheduler holds it), then enqueues the jobs that
fell due since they last ran. When each job last ran is kept in the database (``JobRun``),
so a scheduler restarted, or taking over, after a job fell due runs it once (the reminders
due at 9:00 still go when the scheduler is back at 9:05, or the next morning after a day
down), and a scheduler started for the first time waits for each job's next time. A second
scheduler waits, and takes over when the lease runs out. Jobs only enqueue tasks; the tasks
themselves are idempotent (running one twice changes nothing), so a take-over that repeats
a job is harmless.
"""

import datetime
import logging
import os
import socket
import uuid
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JobRun, SchedulerLease

logger = logging.getLogger(__name__)
LEASE_NAME = "scheduler"


@dataclass
class Job:
    name: str
    trigger: CronTrigger
    task_path: str

    def due(self, last_run, now):
        """Whether the job fell due after ``last_run`` (once, however many times since)."""
        next_fire = self.trigger.get_next_fire_time(last_run, now)
        return next_fire is not None and next_fire <= now


def jobs_from_settings():
    return [
        Job(name, CronTrigger.from_crontab(crontab, timezone=settings.TIME_ZONE), path)
        for name, crontab, path in settings.SCHEDULED_TASKS
    ]


class Scheduler:
    def __init__(self, jobs=None, *, lease_seconds=60, holder=None):
        self.jobs = jobs_from_settings() if jobs is None else jobs
        self.lease = datetime.timedelta(seconds=lease_seconds)
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.holding = False

    def hold_lease(self, now):
        """Take or renew the lease; whether this scheduler holds it now."""
        SchedulerLease.objects.get_or_create(name=LEASE_NAME)
        free_or_ours = Q(holder=self.holder) | Q(expires_at__isnull=True) | Q(expires_at__lt=now)
        return bool(
            SchedulerLease.objects.filter(free_or_ours, name=LEASE_NAME).update(
                holder=self.holder, expires_at=now + self.lease
            )
        )

    def release(self):
        SchedulerLease.objects.filter(name=LEASE_NAME, holder=self.holder).update(
            holder="", expires_at=None
        )

    def tick(self, now=None):
        """Enqueue the jobs due, if this scheduler holds the lease; returns their names."""
        now = now or timezone.now()
        self.holding = self.hold_lease(now)
        if not self.holding:
            return []
        last_runs = dict(JobRun.objects.values_list("name", "ran_at"))
        ran = []
        for job in self.jobs:
            last_run = last_runs.get(job.name)
            if last_run is None:  # never run here: from now on
                JobRun.objects.get_or_create(name=job.name, defaults={"ran_at": now})
            elif job.due(last_run, now):
                with transaction.atomic():  # the task and the record of its run, together
                    # Conditional: a scheduler that took over while this one stalled, and ran
                    # the job meanwhile, leaves it run once.
                    if not JobRun.objects.filter(name=job.name, ran_at=last_run).update(ran_at=now):
                        continue
                    import_string(job.task_path).enqueue()
                logger.info("Scheduled job %s enqueued", job.name)
                ran.append(job.name)
        return ran

    def run_now(self, name):
        """Enqueue one job at once (``run_scheduler --run-now purge``), lease or not."""
        job = next(job for job in self.jobs if job.name == name)
        return import_string(job.task_path).enqueue()
