# The archive staff role (arkiv). The column is added in place: on SQLite Django would
# rebuild org_person for a NOT NULL column, and triggers of other tables that name it
# (rounds 0003, org 0005) stop the rebuild.

from django.db import migrations, models

from samtale.core.triggers import by_vendor

ADD = {
    "sqlite": ['ALTER TABLE "org_person" ADD COLUMN "is_archivist" bool NOT NULL DEFAULT 0'],
    "postgresql": [
        'ALTER TABLE "org_person" ADD COLUMN "is_archivist" boolean NOT NULL DEFAULT false',
        'ALTER TABLE "org_person" ALTER COLUMN "is_archivist" DROP DEFAULT',
    ],
}
DROP = {
    "sqlite": ['ALTER TABLE "org_person" DROP COLUMN "is_archivist"'],
    "postgresql": ['ALTER TABLE "org_person" DROP COLUMN "is_archivist"'],
}


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0005_person_last_signed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[by_vendor(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name='person',
                    name='is_archivist',
                    field=models.BooleanField(default=False, verbose_name='archive staff'),
                ),
            ],
        ),
        migrations.AlterField(
            model_name='rolechange',
            name='role',
            field=models.CharField(choices=[('hr', 'HR'), ('admin', 'Administrator'), ('archive', 'Archive staff')], max_length=20),
        ),
    ]
