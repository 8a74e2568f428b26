"""A school for the publication tests: two teams under a department under the municipality,
a leader per team, HR; and conversations signed at given times with their answers, each
stamped with where the employee stands at that moment (as the services stamp them).

    Kommune ─ Skole (rektor) ─┬ Team A (leader_a): a0 … a6
                              └ Team B (leader_b): b0 … b5
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation, Feedback, LikertAnswer
from samtale.guides.models import GuideVersion
from samtale.org.models import Person, Unit
from samtale.org.selectors import position_of
from samtale.rounds.models import Participant, Round
from testkit.people import PASSWORD, goals_version


@dataclass
class School:
    top: Unit
    school: Unit
    team_a: Unit
    team_b: Unit
    rektor: Person
    leader_a: Person
    leader_b: Person
    hr: Person
    a: list[Person]
    b: list[Person]
    version: GuideVersion
    rounds: list[Round] = field(default_factory=list)
    # Every answer made, as the test itself knows it (not read back from the stamps):
    # Answer(measure, person, unit, line, at, round, value).
    ledger: list = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    measure: str  # "satisfaction", "goals", "competence" or "likert:<key>"
    person: int
    unit: int | None
    line: tuple
    at: datetime
    round: int | None
    value: object


def person(key: str, unit: Unit | None, manager: Person | None = None, **extra) -> Person:
    return Person.objects.create_user(
        f"{key}@skole.example",
        PASSWORD,
        first_name=key.capitalize(),
        last_name="Testesen",
        unit=unit,
        manager=manager,
        **extra,
    )


def make_school(*, a: int = 7, b: int = 6) -> School:
    top = Unit.objects.create(code="K", name="Kommune", kind=Unit.Kind.ENTERPRISE)
    school = Unit.objects.create(code="SK", name="Skole", kind=Unit.Kind.DEPARTMENT, parent=top)
    team_a = Unit.objects.create(code="TA", name="Team A", kind=Unit.Kind.TEAM, parent=school)
    team_b = Unit.objects.create(code="TB", name="Team B", kind=Unit.Kind.TEAM, parent=school)
    rektor = person("rektor", school)
    leader_a = person("leder_a", school, rektor)
    leader_b = person("leder_b", school, rektor)
    hr = person("hr", top, is_hr=True)
    return School(
        top=top,
        school=school,
        team_a=team_a,
        team_b=team_b,
        rektor=rektor,
        leader_a=leader_a,
        leader_b=leader_b,
        hr=hr,
        a=[person(f"a{i}", team_a, leader_a, profession_group="Lærer") for i in range(a)],
        b=[person(f"b{i}", team_b, leader_b, profession_group="Assistent") for i in range(b)],
        version=goals_version(),
    )


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def closed_round(s: School, *, name: str, closed: datetime, people=()) -> Round:
    """A round (closed at `closed`), with the people in it."""
    start = closed - timedelta(days=90)
    round = Round.objects.create(
        name=name,
        period_start=start.date(),
        period_end=closed.date(),
        guide_id=s.version.guide_id,
        closed_at=closed,
    )
    Participant.objects.bulk_create(
        Participant(round=round, person=p, holder=p.manager) for p in people
    )
    s.rounds.append(round)
    return round


def signed(
    s: School,
    employee: Person,
    *,
    on: datetime,
    round: Round | None = None,
    rating: int | None = None,
    statements: dict | None = None,
    goal: str | None = None,
    competence: str | None = None,
) -> Conversation:
    """An annual conversation signed at `on`: its answers, a competence need (counted as the
    statements), an hour later its rating and a goal's result; stamped where one stands."""
    employee.refresh_from_db()
    where = position_of(person_id=employee.pk)
    line, manager = [], employee.manager
    while manager is not None:  # the test's own walk up the line, not position_of's
        line.append(manager.pk)
        manager = manager.manager

    def record(measure, when, value, in_round=round):
        s.ledger.append(
            Answer(
                measure,
                employee.pk,
                employee.unit_id,
                tuple(line),
                when,
                in_round.pk if in_round else None,
                value,
            )
        )

    c = Conversation.objects.create(
        employee=employee,
        leader_id=line[0],  # the line manager
        guide_version=s.version,
        status=Conversation.Status.SIGNED,
        scheduled_at=on - timedelta(days=2),
        held_at=on - timedelta(days=1),
        signed_at=on,
        round=round,
        counted_as=where,
    )
    for key, value in (statements or {}).items():
        LikertAnswer.objects.create(conversation=c, statement_key=key, value=value)
        record(f"likert:{key}", on, value)
    later = on + timedelta(hours=1)
    if rating is not None:
        f = Feedback.objects.create(conversation=c, rating=rating, counted_as=where)
        Feedback.objects.filter(pk=f.pk).update(at=later)
        record("satisfaction", later, rating)
    if goal is not None:
        Goal.objects.create(
            conversation=c, text="Mål", result=goal, reviewed_at=later, counted_as=where
        )
        record("goals", later, goal, in_round=None)
    if competence is not None:
        record("competence", on, _competence_need(c, competence).competence)
    return c


def _competence_need(c: Conversation, kind: str) -> Action:
    """An action agreed in the conversation that is a competence need of `kind`."""
    return Action.objects.create(
        goal=c.goals.first() or Goal.objects.create(conversation=c, text="Mål"),
        text="Kurs",
        employee_id=c.employee_id,
        leader_id=c.leader_id,
        followed=True,
        competence=kind,
        cost=1000,
    )


def moved(employee: Person, unit: Unit, manager: Person) -> Person:
    """An administrator moves the employee to another team and line manager."""
    Person.objects.filter(pk=employee.pk).update(unit=unit, manager=manager)
    employee.refresh_from_db()
    return employee


def last_year() -> int:
    return timezone.localdate().year - 1
