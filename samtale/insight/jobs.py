from datetime import timedelta

from django.tasks import task

from samtale.insight import tallies
from samtale.insight.publication import publish
from samtale.work.schedule import periodic


@periodic(every=timedelta(hours=1))
@task
def count_insight() -> None:
    """Count the organization's status figures again (insight.tallies), and publish the
    figures from answers of every period that has closed since (insight.publication)."""
    publish.publish_due()
    tallies.refresh()


@task
def publish_due() -> None:
    """Publish the periods that have closed (a round just closed): insight.publication."""
    publish.publish_due()
