import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "DEBUG only: create a demo superuser 'admin' with a random password, printed once."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create a demo admin with DEBUG off.")
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write(
                "Demo admin 'admin' already exists "
                "(new password: python manage.py changepassword admin)."
            )
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.org", password)
        self.stdout.write(
            self.style.SUCCESS(f"Demo admin created: user 'admin', password '{password}'.")
        )
