"""The benchmark database's history (manage.py bench_data), written with bulk inserts straight
to the tables: it is test data, not history made through the services. Units and people,
years of signed conversations with goals, answers, ratings and actions, and last year's
round closed, with the answers about the leaders and the shared needs its conversations
raised. One random draw throughout, so that a size gives the same database every time.
"""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Mod
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation, Feedback, LeadershipAnswer, LikertAnswer
from samtale.demo.bench_today import BENCH_LEADER_EMAIL, BENCH_PASSWORD
from samtale.guides.models import Guide
from samtale.guides.selectors import current_version
from samtale.insight.leadership import leadership_snapshot_take
from samtale.needs.models import Category as NeedCategory
from samtale.needs.models import Need, NeedChange, RaisedNeed
from samtale.org.models import Person, Unit
from samtale.org.selectors import positions
from samtale.rounds.models import Participant, Round

BATCH = 5000
# The kinds of competence need an action may be (one in seven is one), and their costs.
COMPETENCE = ("course", "training", "further_education", "guidance")
COSTS = (None, 0, 1500, 3500, 12000, 45000)
PROFESSIONS = ["Undervisning", "Sykepleie", "Helsefag", "Administrasjon", "Teknisk", "Ledelse"]


def units(n_teams: int) -> list[Unit]:
    enterprises = [
        Unit(code=str(1000 + e), name=f"Virksomhet {e + 1}", kind=Unit.Kind.ENTERPRISE)
        for e in range(max(1, n_teams // 10))
    ]
    Unit.objects.bulk_create(enterprises)
    departments = [
        Unit(
            code=f"{e.code}-{d + 1}",
            name=f"{e.name} avdeling {d + 1}",
            kind=Unit.Kind.DEPARTMENT,
            parent=e,
        )
        for e in enterprises
        for d in range(4)
    ]
    Unit.objects.bulk_create(departments)
    teams = [
        Unit(
            code=f"{departments[t % len(departments)].code}-{t + 1}",
            name=f"Team {t + 1}",
            kind=Unit.Kind.TEAM,
            parent=departments[t % len(departments)],
        )
        for t in range(n_teams)
    ]
    Unit.objects.bulk_create(teams)
    return teams


def people(total, teams, rng):
    """Enterprise leaders → department leaders → team leaders with about 20 reports each."""
    unusable = make_password(None)
    hashed = make_password(BENCH_PASSWORD)
    number = 100_000

    def person(first, unit, manager, **extra):
        nonlocal number
        number += 1
        return Person(
            email=extra.pop("email", f"p{number}@bench.example"),
            first_name=first,
            last_name=f"B{number}",
            employee_number=str(number),
            unit=unit,
            manager=manager,
            password=extra.pop("password", unusable),
            job_title=extra.pop("job_title", "Rådgiver"),
            **extra,
        )

    top = [person("Leder", t.parent.parent, None) for t in teams[::10]]
    Person.objects.bulk_create(top)
    middle = [
        person("Avdelingsleder", t.parent, top[min(i // 10, len(top) - 1)])
        for i, t in enumerate(teams)
    ]
    Person.objects.bulk_create(middle)
    leaders_per_team = max(1, (total - len(top) - len(middle)) // (21 * len(teams)))
    team_leaders = []
    for i, team in enumerate(teams):
        for _ in range(leaders_per_team):
            team_leaders.append(person("Teamleder", team, middle[i]))
    # The leader the benchmark signs in as.
    team_leaders[0].email, team_leaders[0].password = BENCH_LEADER_EMAIL, hashed
    Person.objects.bulk_create(team_leaders)
    staff = []
    remaining = total - len(top) - len(middle) - len(team_leaders)
    for i in range(remaining):
        leader = team_leaders[i % len(team_leaders)]
        staff.append(
            person(
                "Medarbeider",
                leader.unit,
                leader,
                employment_type=rng.choice(["permanent"] * 6 + ["temporary"]),
            )
        )
    Person.objects.bulk_create(staff, batch_size=BATCH)
    professions()
    # Exactly 20 reports for the benchmark leader.
    bench = team_leaders[0]
    reports = list(Person.objects.filter(manager=bench).order_by("pk").values_list("pk", flat=True))
    if len(reports) > 20:
        Person.objects.filter(pk__in=reports[20:]).update(manager=team_leaders[1])
    return list(Person.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))


def conversations(staff, versions, years, per_conversation, rng, write) -> None:
    """`years` years of signed conversations for everyone in `staff` (employee, leader),
    each with two goals, answers to the statements on the rated form, a rating from three in
    five, and actions; one transaction a year, its counts written with `write`."""
    today = timezone.localdate()
    bench = Person.objects.get(email=BENCH_LEADER_EMAIL)
    version, rated = versions
    statements = [s["key"] for s in rated.statements()]
    unit_of = dict(Person.objects.values_list("pk", "unit_id"))
    # Where each stands, as the figures from answers remember it (insight.publication).
    where = positions(person_ids=unit_of)
    # Some units are more content than others: a lean per unit, the same every year.
    lean = {unit: rng.choice((-1, 0, 0, 1)) for unit in set(unit_of.values())}
    for year_back in range(years, 0, -1):
        started = time.monotonic()
        year = today.year - year_back + 1
        held = _signed_in(year, staff, versions, where, today, rng)
        current = year_back == 1
        with transaction.atomic():
            Conversation.objects.bulk_create(held, batch_size=BATCH)
            goals = _goals(held, where, rng, reviewed=not current)
            _answers_and_ratings(held, rated, statements, unit_of, where, lean, rng)
            actions = _actions(goals, per_conversation, rng, current=current, bench=bench)
        write(
            f"  {year}: {len(held)} conversations, {len(actions)} actions "
            f"({time.monotonic() - started:.0f} s)"
        )


def _signed_in(year, staff, versions, where, today, rng) -> list[Conversation]:
    """A conversation for each of `staff` held some day of `year` up to October (20 days
    ago at the latest), two in five on the rated form, signed days to a month later."""
    version, rated = versions
    conversations = []
    for employee_id, leader_id in staff:
        day = date(year, 1, 15) + timedelta(days=rng.randint(0, 280))
        held = timezone.make_aware(
            datetime.combine(min(day, today - timedelta(days=20)), clock(10))
        )
        conversations.append(
            Conversation(
                employee_id=employee_id,
                leader_id=leader_id,
                guide_version=rated if rng.random() < 0.4 else version,
                status=Conversation.Status.SIGNED,
                counted_as=where[employee_id],
                scheduled_at=held,
                held_at=held,
                signed_at=held + timedelta(days=rng.choice((1, 2, 3, 3, 5, 7, 14, 30))),
                postponed_count=1 if rng.random() < 0.08 else 0,
                talk_leader_seconds=rng.randint(1200, 2400),
                talk_employee_seconds=rng.randint(3000, 4500),
                has_goals=True,  # two each, below
            )
        )
    return conversations


def _goals(conversations, where, rng, *, reviewed: bool) -> list[Goal]:
    """Two goals for each conversation; `reviewed` (last year's and older): with results,
    half of them achieved."""
    goals = [Goal(conversation=c, order=g, text=f"Mål {g}") for c in conversations for g in (1, 2)]
    if reviewed:
        for goal in goals:
            goal.result = rng.choice(
                [Goal.Result.ACHIEVED] * 5
                + [Goal.Result.PARTLY] * 3
                + [Goal.Result.NOT_ACHIEVED] * 2
            )
            held_at = goal.conversation.held_at
            assert held_at is not None  # the goals of held conversations
            goal.reviewed_at = held_at + timedelta(days=360)
            goal.counted_as = where[goal.conversation.employee_id]
    Goal.objects.bulk_create(goals, batch_size=BATCH)
    return goals


def _answers_and_ratings(conversations, rated, statements, unit_of, where, lean, rng) -> None:
    """The answers on the rated form and three in five conversations rated, each unit a
    little above or below the others (`lean`)."""
    LikertAnswer.objects.bulk_create(
        (
            LikertAnswer(
                conversation=c,
                statement_key=key,
                value=min(5, max(1, rng.choice((2, 3, 4, 4, 5)) + lean[unit])),
            )
            for c in conversations
            if c.guide_version_id == rated.pk
            for unit in (unit_of[c.employee_id],)
            for key in statements
        ),
        batch_size=BATCH,
    )
    Feedback.objects.bulk_create(
        (
            Feedback(
                conversation=c,
                rating=min(5, max(1, rng.choice((3, 4, 4, 5)) + lean[unit_of[c.employee_id]])),
                counted_as=where[c.employee_id],
            )
            for c in conversations
            if rng.random() < 0.6
        ),
        batch_size=BATCH,
    )
    # Rated the day after signing (`at` is set on creation to now).
    Feedback.objects.filter(conversation__in=conversations).update(
        at=Subquery(
            Conversation.objects.filter(pk=OuterRef("conversation_id")).values("signed_at")[:1]
        )
        + timedelta(days=1)
    )


def _actions(goals, per_conversation, rng, *, current: bool, bench: Person) -> list[Action]:
    """`per_conversation` actions a conversation, shared between its two goals: this year's
    in any state (the bench leader's all open), older ones done or dropped; one in seven a
    competence need (competence.plan), most with a cost."""
    actions = []
    for goal in goals:
        conversation = goal.conversation
        for n in range(per_conversation // 2):
            if current and conversation.leader_id == bench.pk:
                status = rng.choice([Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS])
            elif current:
                status = rng.choice(list(Action.Status.values))
            else:
                status = rng.choice([Action.Status.DONE] * 4 + [Action.Status.DROPPED])
            competence = rng.choice(COMPETENCE) if rng.random() < 1 / 7 else ""
            actions.append(
                Action(
                    goal=goal,
                    employee_id=conversation.employee_id,
                    leader_id=conversation.leader_id,
                    followed=True,
                    order=n,
                    text=f"Tiltak {n}",
                    status=status,
                    responsible=rng.choice(Action.Responsible.values),
                    deadline=conversation.held_at.date() + timedelta(days=rng.randint(20, 300)),
                    competence=competence,
                    cost=rng.choice(COSTS) if competence else None,
                )
            )
    Action.objects.bulk_create(actions, batch_size=BATCH)
    return actions


def professions() -> None:
    """A profession group for everyone, spread evenly (the insight pages filter by it)."""
    for n, group in enumerate(PROFESSIONS):
        Person.objects.alias(rest=Mod("pk", len(PROFESSIONS))).filter(rest=n).update(
            profession_group=group
        )


def upward_and_needs(rng, write) -> None:
    """Last year's round, closed, with the answers about the leaders (insight.leadership),
    and the shared needs its conversations raised (samtale.needs)."""
    started = time.monotonic()
    year = timezone.localdate().year - 1
    form = current_version(Guide.objects.get(key="skjema-8-tema"))
    last_year = list(
        Conversation.objects.filter(signed_at__year=year, scheduled_at__year=year)
        .order_by("pk")
        .values_list("pk", "employee_id", "leader_id", "guide_version_id")
    )
    leans = {leader: rng.choice((-1, 0, 0, 1)) for _pk, _e, leader, _v in last_year}
    with transaction.atomic():
        round_ = _round_closed(year, form, last_year, leans, rng)
        snapshots = leadership_snapshot_take(round=round_)
        needs = _shared_needs(year, last_year, rng)
    write(
        f"  {year}'s round closed: feedback on {len(snapshots)} leaders, "
        f"{len(needs)} shared needs ({time.monotonic() - started:.0f} s)"
    )


def _round_closed(year, form, last_year, leans, rng) -> Round:
    """Last year's round over `last_year`'s conversations, seven in ten of those on `form`
    with the statements about the leader answered (each leader's `leans`), closed when its
    period ended, before the year did (insight.publication)."""
    keys = sorted(form.leadership_keys())
    round_ = Round.objects.create(
        name=f"Medarbeidersamtaler {year}",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        guide=form.guide,
    )
    Participant.objects.bulk_create(
        (
            Participant(round=round_, person_id=employee, holder_id=leader, conversation_id=pk)
            for pk, employee, leader, _v in last_year
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    LeadershipAnswer.objects.bulk_create(
        (
            LeadershipAnswer(
                conversation_id=pk,
                statement_key=key,
                value=min(5, max(1, rng.choice((2, 3, 4, 4, 5)) + leans[leader])),
            )
            for pk, _e, leader, version in last_year
            if version == form.pk and rng.random() < 0.7
            for key in keys
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    Round.objects.filter(pk=round_.pk).update(
        closed_at=timezone.make_aware(datetime(year, 12, 15, 16))
    )
    return round_


def _shared_needs(year, last_year, rng) -> list[Need]:
    """One in twenty of `last_year`'s conversations (and one of the bench leader's team's,
    however small the organization) raised a shared need that its conclusion shared, about
    half of them the same need as another conversation's."""
    unit_of = dict(Person.objects.values_list("pk", "unit_id"))
    raising = [c for c in last_year if rng.random() < 0.05]
    bench = Person.objects.get(email=BENCH_LEADER_EMAIL).pk
    if not any(leader == bench for _pk, _e, leader, _v in raising):
        raising += [c for c in last_year if c[2] == bench][:1]
    needs: list[Need] = []
    sources: list[tuple[int, int]] = []  # (conversation, index of its need)
    for pk, employee, _leader, _v in raising:
        same = needs and rng.random() < 0.5
        if same:
            index = rng.randrange(len(needs))
            needs[index].conversations += 1
        else:
            needs.append(
                Need(
                    unit_id=unit_of[employee],
                    category=rng.choice(NeedCategory.values),
                    text=f"Behov {len(needs) + 1}: felles løsning for enheten",
                    cost=rng.choice((None, None, 5000, 20000, 75000, 150000)),
                    status=rng.choice(Need.Status.values),
                    year=year,
                    conversations=1,
                )
            )
            index = len(needs) - 1
        sources.append((pk, index))
    Need.objects.bulk_create(needs, batch_size=BATCH)
    NeedChange.objects.bulk_create(
        (NeedChange(need=need, status=Need.Status.NEW) for need in needs), batch_size=BATCH
    )
    leader_of = {pk: leader for pk, _e, leader, _v in last_year}
    _raised(sources, needs, leader_of)
    return needs


def _raised(sources, needs, leader_of) -> None:
    """Each raising conversation's need, raised by its leader and shared."""
    RaisedNeed.objects.bulk_create(
        (
            RaisedNeed(
                conversation_id=pk,
                raised_by_id=leader_of[pk],
                unit_id=needs[index].unit_id,
                category=needs[index].category,
                text=needs[index].text,
                cost=needs[index].cost,
                share=True,
                need=needs[index],
            )
            for pk, index in sources
        ),
        batch_size=BATCH,
    )
