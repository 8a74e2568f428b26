"""The work's own models, moved from core: their tables stay as they were made (core_jobrun,
core_dispatch), so nothing changes in any database; only Django's record of which app holds
them."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('core', '0012_dispatch'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Dispatch',
                    fields=[
                        ('result_id', models.UUIDField(primary_key=True, serialize=False)),
                        ('kind', models.CharField(db_index=True, max_length=16)),
                        ('sent_at', models.DateTimeField()),
                    ],
                    options={
                        'db_table': 'core_dispatch',
                    },
                ),
                migrations.CreateModel(
                    name='JobRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80, unique=True)),
                        ('last_run_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'core_jobrun',
                    },
                ),
            ],
        ),
    ]
