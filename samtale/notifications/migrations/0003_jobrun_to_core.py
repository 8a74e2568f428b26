"""The periodic jobs' registry moved to core (core.schedule, core.JobRun; both now in the work app): when each job
last started is copied there, so that no daily job runs twice on the day of the upgrade."""

from django.db import migrations


def copy_runs(apps, schema_editor):
    old = apps.get_model("notifications", "JobRun")
    new = apps.get_model("core", "JobRun")
    new.objects.bulk_create(
        [new(name=run.name, last_run_at=run.last_run_at) for run in old.objects.all()],
        ignore_conflicts=True,
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("notifications", "JobRun")
    new = apps.get_model("core", "JobRun")
    old.objects.bulk_create(
        [old(name=run.name, last_run_at=run.last_run_at) for run in new.objects.all()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_outbox_lease"),
        ("core", "0005_jobrun"),
    ]
    # Before core gives JobRun to the work app (core/migrations/0013), whose model this copies into.
    run_before = [("core", "0013_work_to_its_app")]

    operations = [
        migrations.RunPython(copy_runs, copy_back),
        migrations.DeleteModel(name="JobRun"),
    ]
