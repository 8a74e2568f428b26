# The union representative role (tillitsvalgt). The flag's column is added in place: on
# SQLite Django would rebuild org_person for a NOT NULL column, and triggers of other tables
# that name it (rounds 0003, org 0005) stop the rebuild. The unit is a nullable column,
# which SQLite adds in place anyway.

import django.db.models.deletion
from django.db import migrations, models

from samtale.core.triggers import by_vendor

ADD = {
    "sqlite": ['ALTER TABLE "org_person" ADD COLUMN "is_union_rep" bool NOT NULL DEFAULT 0'],
    "postgresql": [
        'ALTER TABLE "org_person" ADD COLUMN "is_union_rep" boolean NOT NULL DEFAULT false',
        'ALTER TABLE "org_person" ALTER COLUMN "is_union_rep" DROP DEFAULT',
    ],
}
DROP = {
    "sqlite": ['ALTER TABLE "org_person" DROP COLUMN "is_union_rep"'],
    "postgresql": ['ALTER TABLE "org_person" DROP COLUMN "is_union_rep"'],
}


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0013_person_coverage_due"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[by_vendor(ADD, DROP)],
            state_operations=[
                migrations.AddField(
                    model_name="person",
                    name="is_union_rep",
                    field=models.BooleanField(default=False, verbose_name="union representative"),
                ),
            ],
        ),
        migrations.AddField(
            model_name="person",
            name="union_unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="org.unit",
                verbose_name="union representative for",
            ),
        ),
        migrations.AlterField(
            model_name="rolechange",
            name="role",
            field=models.CharField(
                choices=[
                    ("hr", "HR"),
                    ("admin", "Administrator"),
                    ("archive", "Archive staff"),
                    ("union", "Union representative"),
                ],
                max_length=20,
            ),
        ),
    ]
