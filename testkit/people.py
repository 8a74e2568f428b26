"""The fixed people every test uses (STYLE.md: one base module).

Sentral (virksomhet)           Skole (virksomhet)
  hr, admin                      leaders_leader
                                 ├── Avdeling 1: leader
                                 │     └── Team 1: employee
                                 └── Avdeling 2: other_leader, other_employee

And a signed conversation with its goal and actions, where follow-up tests start; and a
school's round.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import Person, Unit

PASSWORD = "correct-horse-battery"


@dataclass
class People:
    employee: Person
    other_employee: Person
    leader: Person
    other_leader: Person
    leaders_leader: Person
    hr: Person
    admin: Person

    def by_role(self, role: str) -> Person | None:
        return None if role == "anonymous" else getattr(self, role)


ROLES = [
    "anonymous",
    "employee",
    "other_employee",
    "leader",
    "other_leader",
    "leaders_leader",
    "hr",
    "admin",
]


def make_people() -> People:
    sentral = Unit.objects.create(code="S", name="Sentral", kind=Unit.Kind.ENTERPRISE)
    school = Unit.objects.create(code="E", name="Skole", kind=Unit.Kind.ENTERPRISE)
    dept1 = Unit.objects.create(
        code="D1", name="Avdeling 1", kind=Unit.Kind.DEPARTMENT, parent=school
    )
    dept2 = Unit.objects.create(
        code="D2", name="Avdeling 2", kind=Unit.Kind.DEPARTMENT, parent=school
    )
    team1 = Unit.objects.create(code="T1", name="Team 1", kind=Unit.Kind.TEAM, parent=dept1)

    def person(key, first, unit, manager=None, number=None, **extra):
        return Person.objects.create_user(
            f"{key}@test.example",
            PASSWORD,
            first_name=first,
            last_name="Testesen",
            unit=unit,
            manager=manager,
            employee_number=number,
            **extra,
        )

    leaders_leader = person("leaders_leader", "Lea", school, number="100")
    leader = person("leader", "Leif", dept1, leaders_leader, "101")
    other_leader = person("other_leader", "Olga", dept2, leaders_leader, "102")
    employee = person("employee", "Emma", team1, leader, "103", job_title="Lærer")
    other_employee = person("other_employee", "Espen", dept2, other_leader, "104")
    hr = person("hr", "Hedda", sentral, None, "105", is_hr=True)
    admin = person("admin", "Adam", sentral, None, "106", is_org_admin=True)
    return People(employee, other_employee, leader, other_leader, leaders_leader, hr, admin)


def _colleague_with_role(people, key: str, name: str, number: str, **role) -> Person:
    """An employee of Avdeling 2 (as the other employee is) with a role besides."""
    first, last = name.split()
    return Person.objects.create_user(
        f"{key}@test.example",
        PASSWORD,
        first_name=first,
        last_name=last,
        unit=people.other_employee.unit,
        manager=people.other_leader,
        employee_number=number,
        **role,
    )


def make_archivist(people) -> Person:
    """Archive staff: an employee of Avdeling 2 with the archive role besides."""
    return _colleague_with_role(people, "arkiv", "Arne Arkivar", "107", is_archivist=True)


def make_union_rep(people, *, unit=None) -> Person:
    """A union representative (tillitsvalgt): an employee of Avdeling 2, elected for `unit`
    (by default the school, over both departments)."""
    return _colleague_with_role(
        people,
        "tillitsvalgt",
        "Tora Tillitsvalgt",
        "108",
        is_union_rep=True,
        union_unit=unit or people.leaders_leader.unit,
    )


def planned_conversation(people, *, days: int = 10) -> Conversation:
    """The employee's conversation with their leader, planned `days` ahead with the built-in
    eight-theme template, as the leader plans it."""
    from samtale.conversations.services.lifecycle import conversation_plan  # noqa: PLC0415
    from samtale.guides.builtin import builtin_ensure  # noqa: PLC0415

    # A browser test's flush may have removed the built-ins the migration made.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=Guide.objects.get(key="skjema-8-tema").versions.get(),
        scheduled_at=timezone.now() + timedelta(days=days),
    )


def goals_version() -> GuideVersion:
    """A template of one theme, the goals."""
    return GuideVersion.objects.create(
        guide=Guide.objects.create(),
        number=1,
        name={"nb": "Mal"},
        themes=[{"key": "mal", "title": {"nb": "Mål"}, "goals": True}],
    )


def signed_conversation(
    employee, leader, actions=(), *, version: GuideVersion, held_days_ago=30
) -> Conversation:
    """A conversation held `held_days_ago` days ago and signed two days later, with one goal
    and its followed actions: actions=[(deadline, responsible, status), ...]."""
    held = timezone.now() - timedelta(days=held_days_ago)
    conversation = Conversation.objects.create(
        employee=employee,
        leader=leader,
        guide_version=version,
        status=Conversation.Status.SIGNED,
        scheduled_at=held,
        held_at=held,
        signed_at=held + timedelta(days=2),
    )
    goal = Goal.objects.create(conversation=conversation, text="Bli trygg i fagsystemet")
    for n, (deadline, responsible, status) in enumerate(actions):
        Action.objects.create(
            goal=goal,
            order=n,
            employee=employee,
            leader=leader,
            followed=True,
            text=f"Tiltak {n} for {employee.first_name}",
            deadline=deadline,
            responsible=responsible,
            status=status,
        )
    return conversation


def held_conversation(employee, leader, *, version: GuideVersion) -> Conversation:
    """A conversation held an hour ago: its goals still being written (the meeting's), its
    summary not yet."""
    conversation = Conversation.objects.create(
        employee=employee,
        leader=leader,
        guide_version=version,
        status=Conversation.Status.HELD,
        scheduled_at=timezone.now() - timedelta(hours=2),
        held_at=timezone.now() - timedelta(hours=1),
    )
    SummaryRevision.objects.create(conversation=conversation)
    return conversation


def school_round(people, *, days: int = 120, guide=None, **extra):
    """HR's annual round over the school (unit E), from today, with the eight-theme form
    unless another guide is given: everyone in it, each held by their line manager."""
    from samtale.guides.builtin import builtin_ensure
    from samtale.rounds.services import round_create

    if guide is None:
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        guide = Guide.objects.get(key="skjema-8-tema")
    today = timezone.localdate()
    return round_create(
        actor=people.hr,
        name="Medarbeidersamtaler",
        period_start=today,
        period_end=today + timedelta(days=days),
        kind="annual",
        guide=guide,
        units=[Unit.objects.get(code="E")],
        **extra,
    )
