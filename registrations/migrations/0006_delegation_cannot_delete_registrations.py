"""The Délégation group loses the raw delete of registrations and workshop bookings.

A registration holds seats: it is cancelled (or deleted by a superuser) through the
registration services, which free its seats and promote the waiting list.
"""

from django.db import migrations

GROUP = "Délégation"
CODENAMES = ["delete_registration", "delete_workshopbooking"]


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="registrations", codename__in=CODENAMES
            )
        )


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="registrations", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("registrations", "0005_sent_email_log")]

    operations = [migrations.RunPython(revoke, grant)]
