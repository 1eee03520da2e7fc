from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from registrations.services import send_due_certificates


class Command(BaseCommand):
    help = (
        "E-mail the attendance certificates of the days over (the past week) to those checked "
        "in, each person once. The scheduler runs it daily; this runs it now."
    )

    def handle(self, *args, **options):
        count = send_due_certificates()
        self.stdout.write(
            ngettext("%d attendance certificate sent.", "%d attendance certificates sent.", count)
            % count
        )
