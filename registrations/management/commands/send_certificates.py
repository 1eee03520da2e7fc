from django.core.management.base import BaseCommand

from registrations.services import send_due_certificates


class Command(BaseCommand):
    help = (
        "E-mail the attendance certificates of the days over (the past week) to those checked "
        "in, each person once. Run it daily (cron, a systemd timer or the task scheduler)."
    )

    def handle(self, *args, **options):
        count = send_due_certificates()
        self.stdout.write(f"{count} attendance certificates sent.")
