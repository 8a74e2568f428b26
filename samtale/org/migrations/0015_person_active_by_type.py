"""The active people by employment type, for the organization's counts on HR's and the
administrator's home, counted from the index alone (org.models.Person.Meta.indexes)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0014_union_representative"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("is_active", True)),
                fields=["employment_type"],
                name="person_active_by_type",
            ),
        ),
    ]
