"""The register's models, moved down from the tenants app (now the operators' work): their
tables stay as they were made (tenants_tenant, tenants_host, tenants_operator, tenants_home),
so nothing changes in any database; only Django's record of which app holds them."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('tenants', '0004_home_state'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Home',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.CharField(max_length=30, unique=True)),
                        ('state', models.CharField(choices=[('active', 'active'), ('suspended', 'suspended'), ('deleted', 'deleted')], default='active', max_length=10)),
                        ('changed_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'tenants_home',
                    },
                ),
                migrations.CreateModel(
                    name='Operator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('username', models.CharField(max_length=150, unique=True)),
                        ('password', models.CharField(max_length=200)),
                        ('stamp', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('last_login_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'db_table': 'tenants_operator',
                    },
                ),
                migrations.CreateModel(
                    name='Registration',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.CharField(max_length=30, unique=True, validators=[django.core.validators.RegexValidator('^[a-z][a-z0-9]{1,29}$', '2–30 lower-case letters and digits, starting with a letter (it names the database).')])),
                        ('name', models.CharField(max_length=200)),
                        ('url', models.URLField()),
                        ('state', models.CharField(choices=[('active', 'active'), ('suspended', 'suspended'), ('moving', 'moving')], default='active', max_length=10)),
                        ('database', models.CharField(max_length=500)),
                        ('server', models.CharField(blank=True, max_length=30)),
                        ('role', models.CharField(blank=True, max_length=63)),
                        ('password', models.TextField(blank=True)),
                        ('config', models.JSONField(blank=True, default=dict)),
                        ('migration', models.CharField(blank=True, choices=[('current', 'current'), ('migrating', 'migrating'), ('failed', 'failed')], max_length=10)),
                        ('migration_error', models.TextField(blank=True)),
                        ('migrated_at', models.DateTimeField(blank=True, null=True)),
                        ('migrated_to', models.CharField(blank=True, max_length=64)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('changed_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'db_table': 'tenants_tenant',
                        'ordering': ['slug'],
                    },
                ),
                migrations.CreateModel(
                    name='Host',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=253, unique=True)),
                        ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='hosts', to='tenancy.registration')),
                    ],
                    options={
                        'db_table': 'tenants_host',
                        'ordering': ['name'],
                    },
                ),
            ],
        ),
    ]
