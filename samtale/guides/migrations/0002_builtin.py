"""The three built-in templates, so a fresh database always has them.

A later change to a built-in's content is a new migration that adds a new
version; this one only creates what is missing.
"""

from django.db import migrations

from samtale.guides.builtin import builtin_ensure


def create_builtins(apps, schema_editor):
    builtin_ensure(
        Guide=apps.get_model("guides", "Guide"),
        GuideVersion=apps.get_model("guides", "GuideVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_builtins, migrations.RunPython.noop),
    ]
