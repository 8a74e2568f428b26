from django.db import migrations, models
from django.db.models import F

# The statuses of a conversation whose meeting has been held.
HELD = ["held", "summary_agreed", "signed"]


def held_at_fill(apps, schema_editor):
    """A conversation held without a time it was held (made outside the services, as older
    demo and benchmark data were) gets the time it had, the only one known: from now on
    held_at is beside the planned time and never written over it."""
    Conversation = apps.get_model("conversations", "Conversation")
    Conversation.objects.filter(
        status__in=HELD, held_at__isnull=True, scheduled_at__isnull=False
    ).update(held_at=F("scheduled_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0012_summary_share"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="started_early_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(held_at_fill, migrations.RunPython.noop, elidable=True),
    ]
