from datetime import time

from django.tasks import task

from samtale.privacy import services
from samtale.work.schedule import periodic


@periodic(daily_at=time(3, 0))
@task
def retention_daily() -> None:
    """Delete what the retention policy says is due (privacy.retention), at night: after the
    day's signed forms have had the day to reach the personnel file."""
    services.retention_run(dry_run=False)
