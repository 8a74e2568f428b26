"""A benchmark database: 20,000 employees in 300 units, five years of conversations,
about a million actions, and one leader with 20 reports × 10 open actions each.

Written with bulk inserts, straight to the tables: it is test data, not history made
through the services. Refuses a database that already has people.
"""

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from samtale.org.models import Person, Unit

BENCH_LEADER_EMAIL = "bench.leader@bench.example"
BENCH_PASSWORD = "bench-password-not-for-production"
BATCH = 5000


class Command(BaseCommand):
    help = "Fill an empty database with a benchmark organization (see bench/README)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument(
            "--actions", type=int, default=10, help="Actions per signed conversation."
        )

    def handle(self, *args, people, years, actions, **options):
        if Person.objects.exists():
            raise CommandError("The database already has people; use an empty benchmark database.")
        started = time.monotonic()
        rng = random.Random(20_000)
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        version = current_version(Guide.objects.get(key="skjema-8-tema"))
        # 300 units for 20,000 people (20 enterprises, 80 departments, 200 teams); fewer for fewer.
        n_teams = max(10, min(200, people // 100))
        with transaction.atomic():
            teams = self._units(n_teams)
            staff = self._people(people, teams, rng)
        self.stdout.write(f"{Unit.objects.count()} units, {Person.objects.count()} people")
        self._conversations(staff, version, years, actions, rng)
        with connection.cursor() as cursor:
            # Fresh statistics, and (on PostgreSQL) a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        self.stdout.write(
            f"{Conversation.objects.count()} conversations, {Action.objects.count()} actions "
            f"in {time.monotonic() - started:.0f} s"
        )

    def _units(self, n_teams: int) -> list[Unit]:
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

    def _people(self, total, teams, rng):
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
        # Exactly 20 reports for the benchmark leader.
        bench = team_leaders[0]
        reports = list(
            Person.objects.filter(manager=bench).order_by("pk").values_list("pk", flat=True)
        )
        if len(reports) > 20:
            Person.objects.filter(pk__in=reports[20:]).update(manager=team_leaders[1])
        return list(Person.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))

    def _conversations(self, staff, version, years, per_conversation, rng):
        today = timezone.localdate()
        bench = Person.objects.get(email=BENCH_LEADER_EMAIL)
        for year_back in range(years, 0, -1):
            started = time.monotonic()
            year = today.year - year_back + 1
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
                        guide_version=version,
                        status=Conversation.Status.SIGNED,
                        scheduled_at=held,
                        held_at=held,
                        signed_at=held + timedelta(days=3),
                        talk_leader_seconds=rng.randint(1200, 2400),
                        talk_employee_seconds=rng.randint(3000, 4500),
                    )
                )
            with transaction.atomic():
                Conversation.objects.bulk_create(conversations, batch_size=BATCH)
                goals = [
                    Goal(conversation=c, order=g, text=f"Mål {g}")
                    for c in conversations
                    for g in (1, 2)
                ]
                Goal.objects.bulk_create(goals, batch_size=BATCH)
                current = year_back == 1
                actions = []
                for goal in goals:
                    conversation = goal.conversation
                    for n in range(per_conversation // 2):
                        if current and conversation.leader_id == bench.pk:
                            status = rng.choice(
                                [Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS]
                            )
                        elif current:
                            status = rng.choice(list(Action.Status.values))
                        else:
                            status = rng.choice([Action.Status.DONE] * 4 + [Action.Status.DROPPED])
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
                                deadline=conversation.held_at.date()
                                + timedelta(days=rng.randint(20, 300)),
                            )
                        )
                Action.objects.bulk_create(actions, batch_size=BATCH)
            self.stdout.write(
                f"  {year}: {len(conversations)} conversations, {len(actions)} actions "
                f"({time.monotonic() - started:.0f} s)"
            )
