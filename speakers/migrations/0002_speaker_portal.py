import django.db.models.functions.text
from django.db import migrations, models

import speakers.models


def give_each_speaker_own_secrets(apps, schema_editor):
    Speaker = apps.get_model("speakers", "Speaker")
    for speaker in Speaker.objects.all():
        speaker.calendar_token = speakers.models.new_secret()
        speaker.sign_in_nonce = speakers.models.new_secret()
        speaker.save(update_fields=["calendar_token", "sign_in_nonce"])


class Migration(migrations.Migration):
    dependencies = [
        ("speakers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="speaker",
            name="show_photo",
            field=models.BooleanField(default=True, verbose_name="show the photo on the site"),
        ),
        migrations.AddField(
            model_name="speaker",
            name="sign_in_nonce",
            field=models.CharField(
                default=speakers.models.new_secret, editable=False, max_length=64
            ),
        ),
        migrations.AddField(
            model_name="speaker",
            name="calendar_token",
            field=models.CharField(
                default=speakers.models.new_secret,
                editable=False,
                max_length=64,
                verbose_name="calendar subscription key",
            ),
        ),
        migrations.RunPython(give_each_speaker_own_secrets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="speaker",
            name="calendar_token",
            field=models.CharField(
                default=speakers.models.new_secret,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="calendar subscription key",
            ),
        ),
        migrations.AlterField(
            model_name="speaker",
            name="email",
            field=models.EmailField(
                blank=True,
                help_text=(
                    "Private: used to contact the speaker and to sign in to the speakers' "
                    "area, never shown on the site."
                ),
                max_length=254,
                verbose_name="e-mail",
            ),
        ),
        migrations.AddConstraint(
            model_name="speaker",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="speaker_unique_email",
                violation_error_message="Another speaker already has this e-mail address.",
            ),
        ),
    ]
