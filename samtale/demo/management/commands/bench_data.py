"""A benchmark database: 20,000 employees in 300 units, five years of conversations,
about a million actions, and one leader with 20 reports × 10 open actions each. Of the
history's conversations two in five are on the template with Likert statements (answered,
each unit a little above or below the others), three in five are rated after signing, and
the goals of past years have results; days from meeting to signature vary. Last year's
conversations on the form with the statements about the leader have those answered, and sit
in last year's round, closed, so its feedback on leadership is published; one in twenty of
them raised a shared need that its conclusion shared, about half of those the same need as
another conversation's.

The history is written with bulk inserts, straight to the tables: it is test data, not
history made through the services. Then, through the services, what the page benchmark
(bench/pages.py) signs in to: an HR adviser, an administrator, one of the leader's reports
and the leader's own leader (all with BENCH_PASSWORD), this year's round over the whole
organization, and the leader's reports' conversations this year in every state.

Refuses a database that already has people; `--ensure` adds only what an older benchmark
database lacks (the second part, the feedback on leadership and the shared needs).

The history is in samtale.demo.bench_history, the second part in samtale.demo.bench_today.
"""

import random
import time

from django.core.management.base import CommandError
from django.db import connection, transaction

from samtale.actions.models import Action
from samtale.conversations.models import Conversation
from samtale.demo import bench_history, bench_today
from samtale.demo.bench_today import BENCH_LEADER_EMAIL, BENCH_LOGINS
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from samtale.insight.models import Publication
from samtale.insight.publication import publish
from samtale.needs.models import Need
from samtale.org.models import Person, Unit
from samtale.tenancy.commands import TenantCommand


class Command(TenantCommand):
    # One tenant's data, from one file or into one: never every tenant's at once.
    allows_every_tenant = False
    help = (
        "Fill an empty database with a benchmark organization (see docs/developing/benchmarks.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument(
            "--actions", type=int, default=10, help="Actions per signed conversation."
        )
        parser.add_argument(
            "--ensure",
            action="store_true",
            help="On a filled benchmark database: add the sign-ins, round and conversations "
            "bench/pages.py needs, if they are missing.",
        )

    def handle(self, *args, people, years, actions, ensure, **options):
        if ensure and Person.objects.filter(email=BENCH_LEADER_EMAIL).exists():
            added = False
            if not Person.objects.filter(email=BENCH_LOGINS["hr"]).exists():
                bench_today.this_year(self.stdout.write)
                added = True
            if not Person.objects.exclude(profession_group="").exists():
                bench_history.professions()
                added = True
            if not Need.objects.exists():
                bench_history.upward_and_needs(random.Random(13), self.stdout.write)
                added = True
            if not Publication.objects.exists():
                self._publish()
                added = True
            if added:
                self._analyze()  # at the end, of everything added: the benchmarks measure next
            return
        if Person.objects.exists():
            raise CommandError("The database already has people; use an empty benchmark database.")
        started = time.monotonic()
        rng = random.Random(20_000)
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        version = current_version(Guide.objects.get(key="skjema-8-tema"))
        rated = current_version(Guide.objects.get(key="grunnmal"))
        # 300 units for 20,000 people (20 enterprises, 80 departments, 200 teams); fewer for fewer.
        n_teams = max(10, min(200, people // 100))
        with transaction.atomic():
            teams = bench_history.units(n_teams)
            staff = bench_history.people(people, teams, rng)
        self.stdout.write(f"{Unit.objects.count()} units, {Person.objects.count()} people")
        bench_history.conversations(staff, (version, rated), years, actions, rng, self.stdout.write)
        bench_history.upward_and_needs(rng, self.stdout.write)
        bench_today.this_year(self.stdout.write)
        self._publish()
        self._analyze()
        self.stdout.write(
            f"{Conversation.objects.count()} conversations, {Action.objects.count()} actions "
            f"in {time.monotonic() - started:.0f} s"
        )

    def _publish(self) -> None:
        """The figures from answers of every closed period, as the worker publishes them."""
        started = time.monotonic()
        published = publish.publish_due()
        self.stdout.write(
            f"published the figures from answers of {len(published)} periods "
            f"in {time.monotonic() - started:.1f} s"
        )

    def _analyze(self) -> None:
        """Fresh statistics once everything is in, as a running database's autovacuum keeps
        them (without, PostgreSQL plans a round of 40,000 as if it had a hundred), and (on
        PostgreSQL) a visibility map for index-only scans.

        The people's table is compacted first: five years of signing written in minutes
        leave every person row rewritten once a year by the last-signed trigger (org 0005),
        77 MB for 50,000 people that compact to 11 (a running database reuses its dead rows
        as they come over the years); a count over everyone read seven times the pages."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM FULL {Person._meta.db_table}")
                cursor.execute("VACUUM ANALYZE")
            else:
                cursor.execute("ANALYZE")
