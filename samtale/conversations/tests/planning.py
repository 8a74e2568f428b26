"""The planning tests' days: the clock stands still on Monday 23 November 2026 at 09:00 in
Oslo (conftest's `clock`); the conversations are planned for Tuesday 1 December."""

from datetime import datetime
from zoneinfo import ZoneInfo

from samtale.conversations.services import lifecycle
from samtale.org.models import Person

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """That day of December 2026, at that time in Oslo."""
    return datetime(2026, 12, day, hour, minute, tzinfo=OSLO)


def more_reports(people, count: int) -> list[Person]:
    """`count` more people who report to the leader."""
    return [
        Person.objects.create_user(
            f"report{n}@test.example",
            "x",
            first_name=f"Rapport{n}",
            last_name="Testesen",
            unit=people.employee.unit,
            manager=people.leader,
        )
        for n in range(count)
    ]


def plan(people, employee, when, version, **kwargs):
    """The leader plans `employee`'s conversation with themselves at `when` (or no time)."""
    return lifecycle.conversation_plan(
        actor=people.leader,
        employee=employee,
        leader=people.leader,
        guide_version=version,
        scheduled_at=when,
        **kwargs,
    )
