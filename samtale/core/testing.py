"""The fixed people every test uses (STYLE.md: one base module).

Sentral (virksomhet)           Skole (virksomhet)
  hr, admin                      leaders_leader
                                 ├── Avdeling 1: leader
                                 │     └── Team 1: employee
                                 └── Avdeling 2: other_leader, other_employee

And a signed conversation with its goal and actions, where follow-up tests start.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
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


def make_archivist(people) -> Person:
    """Archive staff: an employee of Avdeling 2 (as the other employee is) with the archive
    role besides."""
    return Person.objects.create_user(
        "arkiv@test.example",
        PASSWORD,
        first_name="Arne",
        last_name="Arkivar",
        unit=people.other_employee.unit,
        manager=people.other_leader,
        employee_number="107",
        is_archivist=True,
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


# The audit log's triggers (core migration 0004) --------------------------------------


def _append_only_migration():
    import importlib

    return importlib.import_module("samtale.core.migrations.0004_audit_append_only")


@contextmanager
def audit_flushable(using: str = "default") -> Iterator[None]:
    """Let Django's test flush empty the audit log: on SQLite it deletes with DELETE FROM,
    which the log's trigger refuses, so the DELETE trigger is dropped for the flush and
    created again after it. Only the tests call this (conftest.py, around every flush);
    PostgreSQL's flush is a TRUNCATE, which the row triggers do not see."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(_append_only_migration().SQLITE_NO_DELETE)


@contextmanager
def audit_triggers_off(using: str = "default") -> Iterator[None]:
    """What a database administrator could do: the audit log's triggers off, for a test to
    change or delete entries as an attacker with the database's keys would, and on again."""
    connection = connections[using]
    migration = _append_only_migration()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER audit_append_only")
        else:
            for sql in migration.SQLITE_DROP:
                cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER audit_append_only")
            else:
                for sql in migration.SQLITE:
                    cursor.execute(sql)


_FAIL_INSERT = {
    "sqlite": (
        [
            "CREATE TRIGGER audit_fails BEFORE INSERT ON core_auditentry "
            "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
        ],
        ["DROP TRIGGER audit_fails"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION audit_fails() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'the disk is full'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER audit_fails BEFORE INSERT ON core_auditentry "
            "FOR EACH ROW EXECUTE FUNCTION audit_fails()",
        ],
        ["DROP TRIGGER audit_fails ON core_auditentry", "DROP FUNCTION audit_fails()"],
    ),
}


@contextmanager
def audit_writes_fail(using: str = "default") -> Iterator[None]:
    """The database refuses every audit entry it is asked to write ("the disk is full"), so
    a test can show that the action the entry records fails with it."""
    connection = connections[using]
    create, drop = _FAIL_INSERT[connection.vendor]
    with connection.cursor() as cursor:
        for sql in create:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in drop:
                cursor.execute(sql)


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
