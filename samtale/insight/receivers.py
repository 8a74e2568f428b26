"""What insight does when something happens below it (the lower apps' signals)."""

from django.db import transaction
from django.dispatch import receiver

from samtale.insight import jobs
from samtale.insight.leadership import leadership_snapshot_take
from samtale.rounds.signals import round_closed


@receiver(round_closed, dispatch_uid="insight.round_closed")
def publish_closed_round(sender, *, round, **kwargs) -> None:
    """The feedback on leadership is published now, once (a later close keeps the first);
    the round's figures from answers by the worker (insight.publication), once."""
    leadership_snapshot_take(round=round)
    transaction.on_commit(jobs.publish_due.enqueue)
