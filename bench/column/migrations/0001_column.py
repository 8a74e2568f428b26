from django.db import migrations

# A nullable column on a table every tenant has (org_person): the shape of a release's
# expand step. Plain SQL, so that the app needs no model of its own; the benchmark removes
# it again directly (bench/migrate.py, `clean`), and so does the reverse.


class Migration(migrations.Migration):
    dependencies = [("org", "0014_union_representative")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE org_person ADD COLUMN bench_note varchar(40) NULL",
            "ALTER TABLE org_person DROP COLUMN bench_note",
        )
    ]
