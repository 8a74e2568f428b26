"""Benchmark: the scheduling assistant plans a round of 200 conversations for 10 leaders
whose calendars, in a real CalDAV server, are busy most mornings.

    .venv/bin/python bench/scheduling.py [--leaders 10] [--reports 20]

Starts Radicale on loopback (testkit.calendars) with a calendar for each leader: a
realistic week of recurring meetings (a leaders' meeting on Mondays, team meetings most
mornings, a weekly one-to-one, a Friday round-up), a lunch marked free, some one-off
afternoon meetings and a course day, differing from leader to leader. Each leader connects
it (CalDAV, encrypted password), gives 08:00–16:00 on every weekday the round proposes in,
and takes the assistant's proposal as it is, through the same selectors and services as
the pages. Then every leader's calendar is read again, straight from Radicale, and every
planned conversation is checked against it: the collisions must be 0 (the exit status says
so). Last, the busy-time look-up of one leader's two weeks is timed, with the cache
emptied before each call (cold: read from Radicale) and with it filled (warm).

Prints what it measured and ends with one line: `scheduling: …`. Runs on an in-memory
SQLite database; times are printed, never checked.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
# Radicale runs on loopback, which Samtale refuses to read calendars from by default.
os.environ["SAMTALE_BUSY_ALLOWED_NETWORKS"] = "127.0.0.0/8"

import django  # noqa: E402

from testkit import calendars as testing  # noqa: E402  (imports nothing of Django's)


def ics_event(uid: str, lines: list[str]) -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Samtale bench//",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            *lines,
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def local(day: date, hour: int, minute: int = 0) -> str:
    return f"TZID=Europe/Oslo:{day:%Y%m%d}T{hour:02d}{minute:02d}00"


def week_of(leader: int, monday: date, rng: random.Random) -> list[str]:
    """A leader's calendar: a working week of recurring meetings from `monday` on, and
    one-off meetings in the weeks ahead. The titles are there as in any real calendar;
    Samtale never reads them."""

    def weekly(uid, weekday, start, end, title, extra=()):
        day = monday + timedelta(days=weekday)
        return ics_event(
            f"{uid}-{leader}",
            [
                f"SUMMARY:{title}",
                f"DTSTART;{local(day, *start)}",
                f"DTEND;{local(day, *end)}",
                "RRULE:FREQ=WEEKLY",
                *extra,
            ],
        )

    one_to_one = rng.randint(1, 3)
    events = [
        weekly("ledermote", 0, (8, 0), (10, 0), "Ledermøte"),
        weekly("team-ti", 1, (8, 30), (11, 30), "Teammøte"),
        weekly("team-to", 3, (8, 0), (10, 30), "Teammøte"),
        weekly("en-til-en", one_to_one, (13, 0), (14, 0), "En-til-en med egen leder"),
        weekly("fredag", 4, (8, 0), (9, 30), "Ukeslutt"),
        ics_event(
            f"lunsj-{leader}",
            [
                "SUMMARY:Lunsj",
                f"DTSTART;{local(monday, 11, 30)}",
                f"DTEND;{local(monday, 12, 0)}",
                "RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
                "TRANSP:TRANSPARENT",
            ],
        ),
    ]
    return events + one_offs(leader, monday, rng)


def one_offs(leader: int, monday: date, rng: random.Random) -> list[str]:
    """A leader's one-off afternoon meetings over the next four weeks, and a course day."""
    events = []
    for n in range(6):  # one-off afternoon meetings over the next four weeks
        day = monday + timedelta(days=rng.randrange(7, 35))
        if day.weekday() >= 5:
            continue
        hour = rng.choice([12, 13, 14])
        events.append(
            ics_event(
                f"mote-{leader}-{n}",
                [
                    "SUMMARY:Møte med kommunalsjefen",
                    f"DTSTART;{local(day, hour)}",
                    f"DTEND;{local(day, hour + 1, 30)}",
                ],
            )
        )
    course = monday + timedelta(days=14 + rng.randrange(5))
    events.append(
        ics_event(
            f"kurs-{leader}",
            [
                "SUMMARY:Kursdag",
                f"DTSTART;VALUE=DATE:{course:%Y%m%d}",
                f"DTEND;VALUE=DATE:{course + timedelta(days=1):%Y%m%d}",
            ],
        )
    )
    return events


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaders", type=int, default=10)
    parser.add_argument("--reports", type=int, default=20, help="conversations per leader")
    parser.add_argument("--samples", type=int, default=5, help="look-ups per leader, each way")
    args = parser.parse_args()

    django.setup()
    from common import in_home_tenant

    in_home_tenant()
    logging.getLogger("django.tasks").setLevel(logging.WARNING)  # not a line per e-mail sent
    from django.core.management import call_command
    from django.utils import timezone

    from samtale.guides.builtin import builtin_ensure
    from samtale.guides.models import Guide, GuideVersion

    call_command("migrate", verbosity=0)
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    rng = random.Random(2026)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    users = {f"leder{n}": f"passord-{n}" for n in range(args.leaders)}

    with (
        tempfile.TemporaryDirectory() as folder,
        testing.radicale_server(Path(folder), users) as radicale,
    ):
        started = time.perf_counter()
        leaders, sources, hr, school = set_up_leaders(args, radicale, users, monday, rng)
        round_, days = round_with_windows(hr, school, leaders, today)
        print(
            f"set-up: Radicale, {args.leaders} leaders with a busy calendar each, "
            f"{args.leaders * args.reports} employees, {len(days)} weekdays of 08:00–16:00 "
            f"each ({time.perf_counter() - started:.1f} s)"
        )
        planned, unplaced, total = plan_the_round(round_, leaders, today)
        collisions = collisions_with_calendars(planned, sources, days)
        cold, warm = look_ups(leaders, days, args.samples)
        print(
            f"scheduling: {len(planned)} conversations for {args.leaders} leaders in "
            f"{total:.2f} s, collisions {len(collisions)}; look-up cold median "
            f"{median_ms(cold):.1f} ms, warm median {median_ms(warm):.2f} ms"
        )
        return 1 if collisions or unplaced else 0


def set_up_leaders(args, radicale, users: dict, monday: date, rng: random.Random):
    """HR, the school and its principal; a department per leader, with its employees, and
    the leader's busy calendar in Radicale, connected. (leaders, their calendars as
    sources by person id, HR, the school)."""
    from samtale.calendars import services as calendar_services
    from samtale.calendars.readers.base import Source
    from samtale.org.models import Person, Unit

    school = Unit.objects.create(code="F", name="Fjordvik skole", kind=Unit.Kind.ENTERPRISE)
    hr = Person.objects.create_user(
        "hr@fjordvik.example", None, first_name="Hedda", last_name="HR", is_hr=True
    )
    rektor = Person.objects.create_user(
        "rektor@fjordvik.example", None, first_name="Rita", last_name="Rektor", unit=school
    )
    leaders, sources = [], {}
    for n, (user, password) in enumerate(users.items()):
        unit = Unit.objects.create(
            code=f"F{n}", name=f"Trinn {n + 1}", kind=Unit.Kind.DEPARTMENT, parent=school
        )
        leader = Person.objects.create_user(
            f"{user}@fjordvik.example",
            None,
            first_name=f"Leder{n}",
            last_name="Fjordvik",
            unit=unit,
            manager=rektor,
        )
        for r in range(args.reports):
            Person.objects.create_user(
                f"ansatt{n}-{r}@fjordvik.example",
                None,
                first_name=f"Ansatt{r}",
                last_name=f"Trinn{n}",
                unit=unit,
                manager=leader,
            )
        url = radicale.make_calendar(user, "arbeid", week_of(n, monday, rng))
        calendar_services.connection_save(
            actor=leader,
            person=leader,
            kind="caldav",
            url=url,
            username=user,
            password=password,
        )
        sources[leader.pk] = Source("caldav", url=url, username=user, password=password)
        leaders.append(leader)
    return leaders, sources, hr, school


def round_with_windows(hr, school, leaders: list, today: date):
    """HR's round over the school's departments, and every leader's 08:00–16:00 on each
    weekday the round proposes in: (the round, those days)."""
    from django.utils import timezone

    from samtale.guides.models import Guide
    from samtale.org.models import Unit
    from samtale.rounds import selectors, services
    from samtale.rounds.models import Window

    round_ = services.round_create(
        actor=hr,
        name="Medarbeidersamtaler",
        period_start=today,
        period_end=today + timedelta(days=90),
        kind="annual",
        guide=Guide.objects.get(key="skjema-8-tema"),
        units=list(Unit.objects.filter(parent=school)),
        duration_minutes=90,
        buffer_minutes=15,
        max_per_day=2,
        lead_days=14,
        min_days_ahead=7,
        max_days_ahead=28,
        reminder_days=3,
    )
    rules = selectors.rules_for(round_, today=today)
    days = [
        today + timedelta(days=d)
        for d in range(rules.min_days_ahead, rules.max_days_ahead + 1)
        if (today + timedelta(days=d)).weekday() < 5
    ]
    for leader in leaders:
        Window.objects.bulk_create(
            Window(
                round=round_,
                leader=leader,
                starts_at=timezone.make_aware(datetime.combine(day, datetime.min.time()))
                + timedelta(hours=8),
                ends_at=timezone.make_aware(datetime.combine(day, datetime.min.time()))
                + timedelta(hours=16),
                place="Møterom 2",
            )
            for day in days
        )
    return round_, days


def plan_the_round(round_, leaders: list, today: date):
    """The assistant plans the round, leader by leader, as each leader's page does:
    (the planned conversations, how many got no time, the seconds it took)."""
    from django.core.cache import cache

    from samtale.conversations.models import Conversation
    from samtale.rounds import booking, selectors

    cache.clear()
    proposing = accepting = 0.0
    unplaced = 0
    for leader in leaders:
        t = time.perf_counter()
        proposal = selectors.proposal(round=round_, leader=leader, today=today)
        proposing += time.perf_counter() - t
        unplaced += len(proposal.unplaced)
        if proposal.unread:
            print(f"  not read: {proposal.unread}")
        t = time.perf_counter()
        booking.schedule_accept(
            actor=leader,
            round=round_,
            leader=leader,
            chosen=[booking.Chosen(s.participant_id, s.start, s.place) for s in proposal.slots],
        )
        accepting += time.perf_counter() - t
    planned = list(
        Conversation.objects.filter(round=round_, scheduled_at__isnull=False).order_by(
            "leader_id", "scheduled_at"
        )
    )
    total = proposing + accepting
    print(
        f"planned: {len(planned)} conversations, {unplaced} without a time, in {total:.2f} s "
        f"(proposals with the calendars read {proposing:.2f} s, accepting {accepting:.2f} s)"
    )

    return planned, unplaced, total


def collisions_with_calendars(planned: list, sources: dict, days: list) -> list:
    """Every calendar read again, straight from Radicale, past the cache: the planned
    conversations that overlap a busy interval."""
    from samtale.calendars.readers import read
    from samtale.rounds import scheduling

    start = scheduling.day_start(days[0])
    end = scheduling.day_start(days[-1] + timedelta(days=1))
    busy = {pk: read(source, start, end) for pk, source in sources.items()}
    collisions = [
        (c.leader_id, c.scheduled_at)
        for c in planned
        for b in busy[c.leader_id]
        if b.start < c.scheduled_at + timedelta(minutes=c.duration_minutes)
        and c.scheduled_at < b.end
    ]
    print(
        f"collisions with the leaders' calendars: {len(collisions)} "
        f"({sum(len(b) for b in busy.values())} busy intervals re-read from Radicale)"
    )

    return collisions


def look_ups(leaders: list, days: list, samples: int):
    """One leader's two weeks, looked up as the proposal does: cold and warm (seconds)."""
    from django.core.cache import cache

    from samtale.calendars import selectors as calendars
    from samtale.rounds import scheduling

    window = (scheduling.day_start(days[0]), scheduling.day_start(days[0] + timedelta(14)))
    cold, warm = [], []
    for _ in range(samples):
        for leader in leaders:
            cache.clear()
            t = time.perf_counter()
            calendars.busy_times(person_ids=[leader.pk], start=window[0], end=window[1])
            cold.append(time.perf_counter() - t)
    for _ in range(samples):
        for leader in leaders:
            t = time.perf_counter()
            calendars.busy_times(person_ids=[leader.pk], start=window[0], end=window[1])
            warm.append(time.perf_counter() - t)
    print(
        f"busy-time look-up, one leader, two weeks: cold (read from Radicale) median "
        f"{median_ms(cold):.1f} ms, warm (from the cache) median {median_ms(warm):.2f} ms, "
        f"{len(cold)} each"
    )
    return cold, warm


if __name__ == "__main__":
    sys.exit(main())
