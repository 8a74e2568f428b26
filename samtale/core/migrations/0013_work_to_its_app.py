"""JobRun and Dispatch are the work app's now (work/migrations/0001): taken out of core's
record only, their tables and rows untouched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_dispatch'),
        ('work', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Dispatch',
                ),
                migrations.DeleteModel(
                    name='JobRun',
                ),
            ],
        ),
    ]
