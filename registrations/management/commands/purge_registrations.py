from django.core.management.base import BaseCommand

from registrations.services import RETENTION_DAYS, purge_old_registrations


class Command(BaseCommand):
    help = (
        f"Delete the registrations of days over for more than {RETENTION_DAYS} days, as the "
        "privacy notice promises. Run it daily (cron or a systemd timer)."
    )

    def handle(self, *args, **options):
        count = purge_old_registrations()
        self.stdout.write(f"{count} registrations deleted.")
