"""The "Délégation" group: staff who run the tour day to day, without user administration."""

from django.db import migrations

GROUP = "Délégation"
APPS = ["events", "speakers", "registrations"]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0002_order_parallel_sessions_by_creation"),
        ("speakers", "0001_initial"),
        ("registrations", "0002_walk_ins_without_email"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
