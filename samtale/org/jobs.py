from datetime import time

from django.tasks import task

from samtale.org.imports import services as imports
from samtale.work.schedule import periodic


@periodic(daily_at=time(3, 15))
@task
def import_files_forget() -> None:
    """Uploaded payroll files not imported within a day are not kept (org.imports)."""
    imports.import_files_forget()
