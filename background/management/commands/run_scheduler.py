"""``manage.py run_scheduler``: enqueue the scheduled jobs (see background/scheduler.py)."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError

from background.scheduler import Scheduler


class Command(BaseCommand):
    help = "Enqueue the scheduled tasks (settings.SCHEDULED_TASKS) on their cron triggers."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=15, help="seconds between ticks")
        parser.add_argument("--run-now", metavar="JOB", help="enqueue one job now, then exit")

    def handle(self, *, interval, run_now, **options):
        scheduler = Scheduler()
        if run_now:
            if run_now not in {job.name for job in scheduler.jobs}:
                raise CommandError(f"Unknown job {run_now!r}.")
            scheduler.run_now(run_now)
            self.stdout.write(f"{run_now} enqueued.")
            return
        self.running = True

        def stop(signum, frame):
            self.running = False

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        jobs = ", ".join(f"{job.name} ({job.trigger})" for job in scheduler.jobs)
        self.stdout.write(f"Scheduler {scheduler.holder}: {jobs}")
        holding = None
        try:
            while self.running:
                ran = scheduler.tick()
                for name in ran:
                    self.stdout.write(f"{name} enqueued.")
                if scheduler.holding != holding:
                    holding = scheduler.holding
                    self.stdout.write("Holding the lease." if holding else "Waiting for the lease.")
                slept = 0.0
                while self.running and slept < interval:
                    time.sleep(0.2)
                    slept += 0.2
        finally:
            scheduler.release()
