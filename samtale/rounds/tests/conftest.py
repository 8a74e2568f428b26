"""Rounds over the fixed people (testkit/people.py), at a fixed time in Oslo.

The clock stands still on Monday 23 November 2026 at 08:00: the proposals fall from
Monday 30 November to Monday 7 December.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

# The real calendar servers of the busy-time tests, and a cache emptied for each test.
from samtale.calendars.tests.fixtures import (  # noqa: F401 (fixtures)
    _fresh_cache,
    radicale,
    radicale_server,
    served,
)
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import Unit
from samtale.rounds import services
from samtale.rounds.models import Participant, Window

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=OSLO)
TODAY = NOW.date()

SETTINGS = {
    "duration_minutes": 90,
    "buffer_minutes": 15,
    "max_per_day": 2,
    "lead_days": 14,
    "min_days_ahead": 7,
    "max_days_ahead": 14,
    "reminder_days": 3,
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def guide(db):
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return Guide.objects.get(key="skjema-8-tema")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=OSLO)


@pytest.fixture
def school(people):
    return Unit.objects.get(code="E")


@pytest.fixture
def round_(people, guide, school):
    return hr_round(people, guide, school)


def hr_round(people, guide, school):
    """HR's round over the school: everyone in it, each held by their line manager."""
    return services.round_create(
        actor=people.hr,
        name="Medarbeidersamtaler 2027",
        period_start=TODAY,
        period_end=TODAY + timedelta(days=120),
        kind="annual",
        guide=guide,
        units=[school],
        **SETTINGS,
    )


@pytest.fixture
def participant(round_, people):
    """The employee, held by the leader."""
    return Participant.objects.get(round=round_, person=people.employee)


@pytest.fixture
def window(round_, people):
    """The leader can hold conversations on Tuesday 1 December, 09:00–15:00."""
    return Window.objects.create(
        round=round_,
        leader=people.leader,
        starts_at=at(date(2026, 12, 1), 9),
        ends_at=at(date(2026, 12, 1), 15),
        place="Møterom 2",
    )
