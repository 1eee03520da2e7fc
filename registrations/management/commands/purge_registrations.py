from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from registrations.services import RETENTION_DAYS, purge_old_registrations


class Command(BaseCommand):
    help = (
        f"Delete the registrations of days over for more than {RETENTION_DAYS} days, as the "
        "privacy notice promises. The scheduler runs it daily; this runs it now."
    )

    def handle(self, *args, **options):
        count = purge_old_registrations()
        self.stdout.write(
            ngettext("%d registration deleted.", "%d registrations deleted.", count) % count
        )
