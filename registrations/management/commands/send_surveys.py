from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from registrations.services import send_due_surveys


class Command(BaseCommand):
    help = (
        "E-mail the survey to the confirmed attendees of the days that are over, the day "
        "after; each registration is mailed once. The scheduler runs it daily; this runs it now."
    )

    def handle(self, *args, **options):
        count = send_due_surveys()
        self.stdout.write(ngettext("%d survey sent.", "%d surveys sent.", count) % count)
