from django.core.management.base import BaseCommand

from registrations.services import send_due_surveys


class Command(BaseCommand):
    help = (
        "E-mail the survey to the confirmed attendees of the days that are over, the day "
        "after; each registration is mailed once. Run it daily (the scheduler does)."
    )

    def handle(self, *args, **options):
        count = send_due_surveys()
        self.stdout.write(f"{count} surveys sent.")
