"""The Délégation group manages what follows the day.

Workshop restitutions (and publishes them), the speakers' documents, reads the survey, and
sees the outbox's e-mails and sends a failed one again.
"""

from django.db import migrations

GROUP = "Délégation"
MODELS = {"speakers": ["restitution", "sessiondocument"]}
EXTRA = {
    "speakers": ["publish_restitution"],
    "registrations": ["view_surveyresponse", "view_sessionrating"],
    "background": ["view_emaildelivery", "change_emaildelivery"],
}


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these are needed now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, models in MODELS.items():
        found += Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    for app_label, codenames in EXTRA.items():
        found += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    return found


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0011_after_the_day_survey"),
        ("speakers", "0005_session_documents"),
        ("background", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
