"""E-mails of rounds: the reminder to prepare and the leaders' notice of conversations
without a time. Built when sent, so they say what is true then (or are skipped)."""

from django.urls import reverse
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.selectors import preparations_shared
from samtale.notifications.outbox import Built, builder
from samtale.rounds import selectors
from samtale.rounds.models import Round

S = Conversation.Status


@builder("prepare_reminder")
def prepare_reminder(message) -> Built | None:
    conversation = (
        Conversation.objects.select_related("employee", "leader")
        .filter(pk=message.ref["conversation"], status__in=[S.INVITED, S.PREPARED])
        .first()
    )
    if conversation is None or conversation.party(message.to) is None:
        return None
    shared = preparations_shared().filter(conversation=conversation, author=message.to)
    at = conversation.scheduled_at
    if shared.exists() or at is None or at <= timezone.now():
        return None
    return Built(
        template="rounds/email/prepare_reminder",
        context={
            "conversation": conversation,
            "is_leader": conversation.party(message.to) == "leader",
            "path": reverse("preparation", args=[conversation.pk]),
        },
    )


@builder("unscheduled_notice")
def unscheduled_notice(message) -> Built | None:
    leader = message.to
    rows = []
    for round in Round.objects.filter(
        closed_at__isnull=True,
        period_end__gte=timezone.localdate(),
        participants__holder=leader,
    ).distinct():
        waiting = selectors.to_schedule(round=round, leader=leader)
        if waiting:
            rows.append(
                {
                    "round": round,
                    "count": len(waiting),
                    "path": reverse("round_schedule", args=[round.pk, leader.pk]),
                }
            )
    if not rows:
        return None
    return Built(
        template="rounds/email/unscheduled_notice", context={"rows": rows, "leader": leader}
    )


@builder("behind_reminder")
def behind_reminder(message) -> Built | None:
    """HR's reminder to a leader behind in a round (reminders.py): the names of their people
    whose conversation has no time, as they are when it is sent (none left: not sent)."""
    leader = message.to
    round = Round.objects.filter(pk=message.ref["round"], closed_at__isnull=True).first()
    if round is None:
        return None
    waiting = [p.person for p, _ in selectors.to_schedule(round=round, leader=leader)]
    if not waiting:
        return None
    return Built(
        template="rounds/email/behind_reminder",
        context={
            "round": round,
            "leader": leader,
            "people": waiting,
            "path": reverse("round_schedule", args=[round.pk, leader.pk]),
        },
    )
