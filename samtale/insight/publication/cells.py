"""Cells: the answers final in some years that belong to the same groups (the same period,
unit, profession group, line and leader), and the groups each cell is in."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, CharField, Count, QuerySet, Value, When
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.actions.selectors import bucket_q, untouched_q
from samtale.conversations.models import ActionStatus, Conversation, Feedback, LikertAnswer
from samtale.insight.models import Publication
from samtale.insight.publication.measures import (
    BUCKETS,
    COMPETENCE,
    FOLLOW_UP,
    GOALS,
    HAS_GOALS,
    LIKERT,
    ORG,
    RESULTS,
    SATISFACTION,
    SERVES,
    SIGNED,
    UNTOUCHED,
)
from samtale.insight.publication.periods import year_bounds
from samtale.org.models import Unit
from samtale.org.selectors import positions


@dataclass(frozen=True)
class Cell:
    year: int
    round: int | None  # the published (or being published) round the answers are in
    unit: int | None
    profession: str = ""
    line: tuple = ()
    leader: int | None = None


@dataclass
class Cells:
    """One measure's answers, per cell: who answered, and how many answers had each value
    (for the goals also how many conversations); `sums` what is added up over them (the
    competence needs' costs per kind, the talk timed, the days to signature)."""

    people: dict = field(default_factory=lambda: defaultdict(set))
    values: dict = field(default_factory=lambda: defaultdict(Counter))
    conversations: dict = field(default_factory=lambda: defaultdict(set))
    sums: dict = field(default_factory=lambda: defaultdict(Counter))

    def add(
        self,
        cell: Cell,
        person: int,
        value,
        conversation: int | None = None,
        *,
        n: int = 1,
        sums: dict | None = None,
    ) -> None:
        self.people[cell].add(person)
        self.values[cell][value] += n
        if conversation is not None:
            self.conversations[cell].add(conversation)
        if sums:
            self.sums[cell].update(sums)


def _stamped(queryset: QuerySet, person: str, *fields: str) -> list[tuple]:
    """(pk, person, counted_as, *fields) of each row, the `counted_as` given now (and kept)
    to those that had none: rows made before the stamp existed, or by the demo and benchmark
    data. `person` is the lookup to the person who answered."""
    rows = list(queryset.values_list("pk", person, "counted_as", *fields))
    missing = {person_id for _pk, person_id, stamp, *_rest in rows if stamp is None}
    if not missing:
        return rows
    where = positions(person_ids=missing)
    model = queryset.model
    result, stamped = [], []
    for pk, person_id, stamp, *rest in rows:
        if stamp is None:
            stamp = where.get(person_id, {"unit": None, "profession": "", "line": []})
            stamped.append(model(pk=pk, counted_as=stamp))
        result.append((pk, person_id, stamp, *rest))
    model.objects.bulk_update(stamped, ["counted_as"], batch_size=500)
    return result


def load(years: Iterable[int], rounds: dict[int, datetime]) -> dict[str, Cells]:
    """{measure: Cells} of the answers final in these years. `rounds` maps the rounds that
    are published (or being published) to their cutoff: an answer of one of their
    conversations final before it is in that round."""
    by_measure: dict[str, Cells] = defaultdict(Cells)
    for year in sorted(set(years)):
        _load_statements(by_measure, year, rounds)
        _load_ratings(by_measure, year, rounds)
        _load_goals(by_measure, year)
        _load_agreed(by_measure, year, rounds)
        signed = _signed_in(year)
        _load_signed(by_measure, year, rounds, signed)
        _load_follow_up(by_measure, year, rounds, signed)
    return by_measure


def _in_round(rounds: dict[int, datetime], round_id, at) -> int | None:
    cutoff = rounds.get(round_id)
    return round_id if cutoff is not None and at <= cutoff else None


def _load_statements(by_measure: dict, year: int, rounds: dict[int, datetime]) -> None:
    """The statements' answers of the conversations signed in a year."""
    start, end = year_bounds(year)
    conversations = _stamped(
        Conversation.objects.filter(
            status=Conversation.Status.SIGNED, signed_at__gte=start, signed_at__lt=end
        ),
        "employee_id",
        "round_id",
        "signed_at",
    )
    where = {pk: (person, stamp, rnd, at) for pk, person, stamp, rnd, at in conversations}
    for conversation, key, value in LikertAnswer.objects.filter(
        conversation__status=Conversation.Status.SIGNED,
        conversation__signed_at__gte=start,
        conversation__signed_at__lt=end,
    ).values_list("conversation_id", "statement_key", "value"):
        person, stamp, rnd, at = where[conversation]
        cell = Cell(
            year=year,
            round=_in_round(rounds, rnd, at),
            unit=stamp["unit"],
            profession=stamp["profession"],
        )
        by_measure[LIKERT + key].add(cell, person, value)


def _load_ratings(by_measure: dict, year: int, rounds: dict[int, datetime]) -> None:
    """The satisfaction ratings of annual conversations given in a year."""
    start, end = year_bounds(year)
    feedback = _stamped(
        Feedback.objects.filter(
            rating__isnull=False,
            conversation__kind=Conversation.Kind.ANNUAL,
            at__gte=start,
            at__lt=end,
        ),
        "conversation__employee_id",
        "conversation__round_id",
        "at",
        "rating",
    )
    for _pk, person, stamp, rnd, at, rating in feedback:
        cell = Cell(
            year=year,
            round=_in_round(rounds, rnd, at),
            unit=stamp["unit"],
            profession=stamp["profession"],
            line=tuple(stamp["line"]),
        )
        by_measure[SATISFACTION].add(cell, person, rating)


def _load_goals(by_measure: dict, year: int) -> None:
    """The goal results of annual conversations recorded in a year (published per year)."""
    start, end = year_bounds(year)
    goals = _stamped(
        Goal.objects.filter(
            conversation__kind=Conversation.Kind.ANNUAL,
            result__in=RESULTS,
            reviewed_at__gte=start,
            reviewed_at__lt=end,
        ),
        "conversation__employee_id",
        "conversation__leader_id",
        "conversation_id",
        "result",
    )
    for _pk, person, stamp, leader, conversation, result in goals:
        cell = Cell(
            year=year, round=None, unit=stamp["unit"], line=tuple(stamp["line"]), leader=leader
        )
        by_measure[GOALS].add(cell, person, result, conversation)


def _load_agreed(by_measure: dict, year: int, rounds: dict[int, datetime]) -> None:
    """What the conversations signed in a year agreed: the goals that serve one of the
    workplace's goals, by how far their actions have come (published per year), and the
    actions that are competence needs, by kind and with their cost (per round and year)."""
    start, end = year_bounds(year)
    signed = {
        "goal__conversation__status": Conversation.Status.SIGNED,
        "goal__conversation__signed_at__gte": start,
        "goal__conversation__signed_at__lt": end,
    }
    served = Goal.objects.filter(
        serves__isnull=False,
        **{key.removeprefix("goal__"): value for key, value in signed.items()},
    ).values_list("pk", "conversation_id", "serves_id")
    goals = {pk: (conversation, serves) for pk, conversation, serves in served}
    statuses: dict = defaultdict(list)
    for goal, status in Action.objects.filter(goal_id__in=list(goals)).values_list(
        "goal_id", "status"
    ):
        statuses[goal].append(status)
    competence = list(
        Action.objects.filter(**signed, competence__gt="")
        .exclude(status=ActionStatus.DROPPED)
        .values_list("goal__conversation_id", "competence", "cost")
    )
    wanted = {c for c, _s in goals.values()} | {c for c, _k, _cost in competence}
    if not wanted:
        return
    where = {
        pk: (person, stamp, rnd, at)
        for pk, person, stamp, rnd, at in _stamped(
            Conversation.objects.filter(pk__in=wanted), "employee_id", "round_id", "signed_at"
        )
    }
    for goal, (conversation, serves) in goals.items():
        person, stamp, _rnd, _at = where[conversation]
        cell = Cell(year=year, round=None, unit=stamp["unit"], line=tuple(stamp["line"]))
        by_measure[f"{SERVES}{serves}"].add(cell, person, progress(statuses[goal]))
    for conversation, kind, cost in competence:
        person, stamp, rnd, at = where[conversation]
        cell = Cell(year=year, round=_in_round(rounds, rnd, at), unit=stamp["unit"])
        by_measure[COMPETENCE].add(cell, person, kind, sums={kind: cost or 0})


def _signed_in(year: int) -> dict:
    """{conversation: (person, stamp, round, signed at, held at, has goals, talk)} of the
    annual conversations signed in a year."""
    start, end = year_bounds(year)
    rows = _stamped(
        Conversation.objects.filter(
            kind=Conversation.Kind.ANNUAL,
            status=Conversation.Status.SIGNED,
            signed_at__gte=start,
            signed_at__lt=end,
        ),
        "employee_id",
        "round_id",
        "signed_at",
        "held_at",
        "has_goals",
        "talk_leader_seconds",
        "talk_employee_seconds",
    )
    return {pk: tuple(rest) for pk, *rest in rows}


def _load_signed(by_measure: dict, year: int, rounds: dict, signed: dict) -> None:
    """The conversations signed in a year: with goals or not, the days from meeting to
    signature, and the talk where it was timed (per round and year)."""
    for person, stamp, rnd, at, held, goals, leader, employee in signed.values():
        sums = {}
        if held is not None:
            days = (timezone.localdate(at) - timezone.localdate(held)).days
            sums[f"days:{max(0, days)}"] = 1
        if leader or employee:
            sums |= {"timed": 1, "talk_leader": leader, "talk_all": leader + employee}
        cell = Cell(
            year=year,
            round=_in_round(rounds, rnd, at),
            unit=stamp["unit"],
            line=tuple(stamp["line"]),
        )
        by_measure[SIGNED].add(cell, person, HAS_GOALS[0 if goals else 1], sums=sums)


def _load_follow_up(by_measure: dict, year: int, rounds: dict, signed: dict) -> None:
    """The actions agreed in the conversations signed in a year, by where each stands now
    (the follow-up's buckets, actions.selectors.bucket_q), and those nobody has touched
    (untouched_q): counted per conversation and bucket in the database."""
    if not signed:
        return
    start, end = year_bounds(year)
    now = timezone.now()
    today = timezone.localdate(now)
    bucket = Case(
        *(When(bucket_q(b, today), then=Value(b)) for b in BUCKETS),
        output_field=CharField(),
    )
    rows = (
        Action.objects.filter(
            goal__conversation__kind=Conversation.Kind.ANNUAL,
            goal__conversation__status=Conversation.Status.SIGNED,
            goal__conversation__signed_at__gte=start,
            goal__conversation__signed_at__lt=end,
        )
        .annotate(bucket=bucket)
        .values_list("goal__conversation_id", "bucket")
        .annotate(n=Count("pk"), untouched=Count("pk", filter=untouched_q(now)))
        .order_by()
    )
    for conversation, kind, n, untouched in rows:
        person, stamp, rnd, at, *_rest = signed[conversation]
        cell = Cell(
            year=year,
            round=_in_round(rounds, rnd, at),
            unit=stamp["unit"],
            line=tuple(stamp["line"]),
        )
        by_measure[FOLLOW_UP].add(cell, person, kind, n=n, sums={UNTOUCHED: untouched})


def progress(statuses: list[str]) -> str:
    """How far a goal's actions have come: all done (those not dropped), under way (one
    begun or done), or not started (none begun, or no action)."""
    kept = [s for s in statuses if s != ActionStatus.DROPPED]
    if kept and all(s == ActionStatus.DONE for s in kept):
        return "done"
    if any(s in (ActionStatus.IN_PROGRESS, ActionStatus.DONE) for s in kept):
        return "under_way"
    return "not_started"


def ancestors(unit, tree: dict) -> list:
    """The unit and the units above it, in a tree {unit: parent} (keys as text, as JSON
    keeps them); none for a unit the tree does not know."""
    found, node = [], unit
    while node is not None and str(node) in tree and node not in found:
        found.append(node)
        node = tree[str(node)]
    return found


def groups_of(cell: Cell, tree: dict, kinds: str) -> Iterator[str]:
    """The keys of every group a cell's answers are in."""
    units = ancestors(cell.unit, tree)
    if "u" in kinds:
        yield f"u:{ORG}"
        for unit in units:
            yield f"u:{unit}"
    if "p" in kinds and cell.profession:
        yield f"u:{ORG}@{cell.profession}"
        for unit in units:
            yield f"u:{unit}@{cell.profession}"
    if "l" in kinds:
        for leader in cell.line:
            yield f"l:{leader}"
            for unit in units:
                yield f"l:{leader}:{unit}"
    if "r" in kinds and cell.leader is not None:
        yield f"r:{cell.leader}"


def in_publication(cell: Cell, publication) -> bool:
    """Whether a published period holds a cell's answers."""
    if publication.kind == Publication.Kind.ROUND:
        return cell.round == publication.round_id
    return cell.year == publication.year and publication.round_id is None


def current_tree() -> dict:
    """{unit: parent} of every unit, as JSON keeps it (keys as text)."""
    return {str(pk): parent for pk, parent in Unit.objects.values_list("pk", "parent_id")}
