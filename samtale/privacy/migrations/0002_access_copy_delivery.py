"""A copy of a person's data goes to the person only: HR's request keeps a reason from a
list and a note, and how the copy reached the person (in their account, or by a one-time
link and a code). The copies made before were downloaded by HR: so they are recorded."""

from django.db import migrations, models
from django.db.models import F


def made_before_went_to_hr(apps, schema_editor):
    AccessCopy = apps.get_model("privacy", "AccessCopy")
    AccessCopy.objects.filter(channel="hr").update(delivered_at=F("at"))


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="accesscopy", old_name="reason", new_name="note"),
        migrations.AddField(
            model_name="accesscopy",
            name="reason",
            field=models.CharField(
                choices=[
                    ("written", "The person asked in writing"),
                    ("oral", "The person asked orally"),
                    ("leaver", "A person who has left asked by letter or e-mail"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="channel",
            field=models.CharField(
                choices=[
                    ("account", "In their account"),
                    ("link", "By a one-time link and a code by e-mail"),
                    ("hr", "Downloaded by HR"),
                ],
                default="hr",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="status",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting to be downloaded"),
                    ("delivered", "Downloaded"),
                    ("locked", "Locked after wrong codes"),
                ],
                default="delivered",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="accesscopy",
            name="status",
            field=models.CharField(
                choices=[
                    ("waiting", "Waiting to be downloaded"),
                    ("delivered", "Downloaded"),
                    ("locked", "Locked after wrong codes"),
                ],
                default="waiting",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="delivered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="address",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="token_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="code_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="accesscopy",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(made_before_went_to_hr, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="accesscopy",
            constraint=models.UniqueConstraint(
                condition=models.Q(("token_hash", ""), _negated=True),
                fields=("token_hash",),
                name="access_copy_one_token",
            ),
        ),
    ]
