"""The register's models are tenancy's now (tenancy/migrations/0001): taken out of this app's
record only, their tables and rows untouched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tenants', '0004_home_state'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Home',
                ),
                migrations.RemoveField(
                    model_name='host',
                    name='tenant',
                ),
                migrations.DeleteModel(
                    name='Operator',
                ),
                migrations.DeleteModel(
                    name='Host',
                ),
                migrations.DeleteModel(
                    name='Tenant',
                ),
            ],
        ),
    ]
