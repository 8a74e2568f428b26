"""The heartbeats move to the control database (tenancy.router): they are the
installation's processes', not a tenant's. A new model there (ProcessBeat), and the old one
(Heartbeat) gone from each tenant's database: what it held was a minute's news. Each
tenant's health as last checked (TenantHealth) is kept there too."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_audit_append_function'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProcessBeat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('process', models.CharField(max_length=20)),
                ('host', models.CharField(max_length=255)),
                ('pid', models.PositiveIntegerField()),
                ('started_at', models.DateTimeField()),
                ('beat_at', models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name='TenantHealth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tenant', models.CharField(max_length=30, unique=True)),
                ('ok', models.BooleanField()),
                ('checks', models.JSONField(default=dict)),
                ('checked_at', models.DateTimeField()),
            ],
        ),
        migrations.RemoveIndex(
            model_name='heartbeat',
            name='core_heartb_process_8b7a9d_idx',
        ),
        migrations.RemoveConstraint(
            model_name='heartbeat',
            name='heartbeat_per_process',
        ),
        migrations.DeleteModel(
            name='Heartbeat',
        ),
        migrations.AddIndex(
            model_name='processbeat',
            index=models.Index(fields=['process', 'beat_at'], name='core_proces_process_403ccf_idx'),
        ),
        migrations.AddConstraint(
            model_name='processbeat',
            constraint=models.UniqueConstraint(fields=('process', 'host', 'pid'), name='beat_per_process'),
        ),
    ]
