"""The home tenant's state moves into its registration (tenancy.seed registers the tenant of
the installation's own database as any other), and its own table goes."""

from django.conf import settings
from django.db import migrations, models


def home_state_registered(apps, schema_editor):
    """A home tenant suspended or deleted stays so: its row, made here with its state, is
    completed from the environment by the seed that follows this migrate."""
    Home = apps.get_model("tenancy", "Home")
    Registration = apps.get_model("tenancy", "Registration")
    for home in Home.objects.using(schema_editor.connection.alias).exclude(state="active"):
        Registration.objects.using(schema_editor.connection.alias).update_or_create(
            database="",
            server="",
            defaults={
                "slug": home.slug,
                "name": settings.SAMTALE_ORGANIZATION,
                "url": settings.SITE_URL,
                "state": home.state,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="registration",
            name="state",
            field=models.CharField(
                choices=[
                    ("active", "active"),
                    ("suspended", "suspended"),
                    ("moving", "moving"),
                    ("deleted", "deleted"),
                ],
                default="active",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="database",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.RunPython(home_state_registered, migrations.RunPython.noop),
        migrations.DeleteModel(name="Home"),
    ]
