"""Reminding the leaders behind in a round (progress.py's one definition) of their people
without a time: one e-mail each, at most once a week per leader and round (LeaderReminder),
sent from the outbox as the round's other e-mails (emails.py)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person
from samtale.rounds import policy, progress, selectors
from samtale.rounds.models import LeaderReminder, Round
from samtale.rounds.services import lock_round, require_open

# A leader is reminded at most this often in one round.
REMIND_EVERY = timedelta(days=7)


@dataclass
class Reminded:
    """Who was reminded, and who was not: reminded less than REMIND_EVERY ago (with when),
    or behind with every conversation given a time already (nothing to list)."""

    reminded: list[Person] = field(default_factory=list)
    recent: list[tuple[Person, datetime]] = field(default_factory=list)
    all_timed: list[Person] = field(default_factory=list)


def last_reminded(*, round: Round) -> dict[int, datetime]:
    """When each leader was last reminded in the round (leader id: when): one query."""
    rows = (
        LeaderReminder.objects.filter(round=round)
        .values("leader_id")
        .annotate(last=Max("sent_at"))
        .order_by()
    )
    return {row["leader_id"]: row["last"] for row in rows}


def reminded_lately(*, rounds: list[Round], now: datetime | None = None) -> dict[int, tuple]:
    """Each round whose leaders were reminded less than REMIND_EVERY ago: round id →
    (how many leaders, when last). One query."""
    since = (now or timezone.now()) - REMIND_EVERY
    rows = (
        LeaderReminder.objects.filter(round__in=rounds, sent_at__gt=since)
        .values("round_id")
        .annotate(leaders=Count("leader_id", distinct=True), last=Max("sent_at"))
        .order_by()
    )
    return {row["round_id"]: (row["leaders"], row["last"]) for row in rows}


@transaction.atomic
def leaders_remind(*, actor: Person, round: Round, today: date | None = None) -> Reminded:
    """E-mail each leader behind in the round (progress.leaders_behind) the names of their
    people whose conversation has no time, unless reminded less than a week ago or none
    lacks a time. The round is locked, so two clicks never remind anyone twice."""
    require(policy.may_remind_leaders(actor, round))
    round = lock_round(round)
    require_open(round)
    today = today or timezone.localdate()
    behind = progress.leaders_behind(rounds=[round], today=today)[round.pk]
    if not behind:
        raise DomainError(_("No leader is behind in this round: nobody was reminded."))
    now = timezone.now()
    last = last_reminded(round=round)
    waiting = {p.holder_id for p, _ in selectors.to_schedule(round=round)}
    done = Reminded()
    leaders = Person.objects.filter(pk__in=behind, is_active=True).order_by(
        "last_name", "first_name", "pk"
    )
    for leader in leaders:
        if leader.pk in last and last[leader.pk] > now - REMIND_EVERY:
            done.recent.append((leader, last[leader.pk]))
        elif leader.pk not in waiting:
            done.all_timed.append(leader)
        else:
            LeaderReminder.objects.create(round=round, leader=leader, sent_at=now, sent_by=actor)
            email_queue(
                to=leader,
                kind="behind_reminder",
                ref={"round": round.pk},
                dedupe_key=f"round-behind:{round.pk}:{leader.pk}:{today.isoformat()}",
            )
            done.reminded.append(leader)
    audit_log(
        actor=actor,
        action="round.leaders_reminded",
        obj=round,
        reminded=len(done.reminded),
        leaders=[leader.pk for leader in done.reminded],
        # Who was behind and not reminded, and why: reminded in the last week, or every
        # conversation of theirs has a time already.
        recent=[leader.pk for leader, _at in done.recent],
        all_timed=[leader.pk for leader in done.all_timed],
        skipped="+".join(
            why for why, who in (("recent", done.recent), ("all_timed", done.all_timed)) if who
        )
        or "none",
    )
    return done
