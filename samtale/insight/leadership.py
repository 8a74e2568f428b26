"""Upward feedback: the employees' answers to the statements about their leader (themes
marked about_leader), published to the leader and their own leader once per round, as a
frozen snapshot taken when the round closes, for a leader at least k answered about.

Live figures would let a leader who watches the page see one answer arrive; a snapshot
taken once cannot be compared with the same group a moment later. A round closed, opened
and closed again keeps its first snapshot for the same reason. Each answer is in one
snapshot only (its round, the leader who held the conversation), and no other figure is
counted from these answers, so nothing can be subtracted: the publication rule
(insight.publication.figures.alone) only asks that at least k answered."""

from collections import defaultdict

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from samtale.conversations.models import LeadershipAnswer
from samtale.insight.anonymity import min_group
from samtale.insight.models import LeadershipSnapshot
from samtale.insight.publication.figures import Figure, alone
from samtale.insight.publication.measures import VALUES
from samtale.rounds.models import Participant, Round


@transaction.atomic
def leadership_snapshot_take(*, round: Round) -> list[LeadershipSnapshot]:
    """Freeze the round's upward feedback per leader (the leader who held each conversation).
    Idempotent: a round that has snapshots is left as it is."""
    if LeadershipSnapshot.objects.filter(round=round).exists():
        return []
    k = min_group()
    conversations = Participant.objects.filter(round=round, conversation__isnull=False).values(
        "conversation_id"
    )
    answers = LeadershipAnswer.objects.filter(conversation_id__in=conversations)
    answered = dict(
        answers.values_list("conversation__leader_id")
        .annotate(n=Count("conversation_id", distinct=True))
        .order_by()
    )
    counts: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for leader_id, key, value, n in (
        answers.values_list("conversation__leader_id", "statement_key", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[leader_id].setdefault(key, [0] * len(VALUES))[value - 1] = n
    now = timezone.now()
    snapshots = [
        LeadershipSnapshot(
            round=round,
            leader_id=leader_id,
            answered=n,
            # Only statements answered by at least k; a leader below k gets none at all.
            figures={
                key: values
                for key, values in counts[leader_id].items()
                if alone(n, k=k) and alone(sum(values), k=k)
            },
            k=k,
            taken_at=now,
        )
        for leader_id, n in answered.items()
    ]
    return LeadershipSnapshot.objects.bulk_create(snapshots)


def snapshot_figures(snapshot: LeadershipSnapshot) -> dict[str, Figure]:
    """{statement key: Figure} of a snapshot: the people are the answers (one per person)."""
    return {
        key: Figure(people=sum(values), counts=tuple(values))
        for key, values in snapshot.figures.items()
    }


def snapshot_rows(snapshot: LeadershipSnapshot, texts: dict) -> list[tuple[str, Figure]]:
    """(statement, Figure) of a snapshot, in the templates' order: `texts` maps each
    statement to its (text, area), as selectors.statements gives them."""
    figures = snapshot_figures(snapshot)
    order = {key: n for n, key in enumerate(texts)}
    return [
        (texts.get(key, (key, ""))[0], figures[key])
        for key in sorted(figures, key=lambda key: order.get(key, len(order)))
    ]
