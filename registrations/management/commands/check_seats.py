from django.core.management.base import BaseCommand, CommandError

from events.models import Stop
from registrations import selectors, services


class Command(BaseCommand):
    help = (
        "Compare the seat counters of stops and workshops with the registrations; report any "
        "drift (exit status 1), and with --fix rebuild them from the rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rebuild drifted counters.")
        parser.add_argument("--stop", help="Only this stop (its slug).")

    def handle(self, *args, fix=False, stop=None, **options):
        stops = Stop.objects.order_by("date", "pk")
        if stop:
            stops = stops.filter(slug=stop)
        report = selectors.stops_seat_drift(stops)
        for drifted, lines in report.items():
            for label, stored, counted in lines:
                self.stdout.write(f"{drifted.slug}: {label}: counter {stored}, rows {counted}")
            if fix:
                services.recount_seats(stop=drifted)
                self.stdout.write(f"{drifted.slug}: counters rebuilt.")
        if not report:
            self.stdout.write("Seat counters match the registrations.")
        elif not fix:
            raise CommandError("Seat counters drift: run again with --fix to rebuild them.")
