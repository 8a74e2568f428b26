from datetime import timedelta

from django.tasks import task

from samtale.insight import tallies
from samtale.notifications.schedule import periodic


@periodic(every=timedelta(hours=1))
@task
def count_insight() -> None:
    """Count the organization's insight figures again (insight.tallies)."""
    tallies.refresh()
