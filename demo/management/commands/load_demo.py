from django.core.management.base import BaseCommand

from demo.data import load_demo


class Command(BaseCommand):
    help = "Load the 2023-2024 demo tour and an upcoming copy of the Montpellier day (idempotent)."

    def handle(self, *args, **options):
        stop = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo tour loaded. Upcoming demo day ({stop.date:%d/%m/%Y}), open for "
                f"registration: http://127.0.0.1:8000{stop.get_absolute_url()}"
            )
        )
