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
"""

import random
import time
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Mod
from django.utils import timezone

from samtale.actions import agreement
from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation, Feedback, LeadershipAnswer, LikertAnswer
from samtale.conversations.services import lifecycle, preparation, summary
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from samtale.insight.leadership import leadership_snapshot_take
from samtale.insight.models import Publication
from samtale.insight.publication import publish
from samtale.needs.models import Category as NeedCategory
from samtale.needs.models import Need, NeedChange, RaisedNeed
from samtale.org.models import Person, Unit
from samtale.org.selectors import positions
from samtale.rounds import services as rounds
from samtale.rounds.models import Participant, Round
from samtale.signing import services as signing

BENCH_LEADER_EMAIL = "bench.leader@bench.example"
# Who bench/pages.py signs in as, by role.
BENCH_LOGINS = {
    "employee": "bench.employee@bench.example",
    "leader": BENCH_LEADER_EMAIL,
    "leaders_leader": "bench.manager@bench.example",
    "hr": "bench.hr@bench.example",
    "admin": "bench.admin@bench.example",
}
BENCH_PASSWORD = "bench-password-not-for-production"
BATCH = 5000
PROFESSIONS = ["Undervisning", "Sykepleie", "Helsefag", "Administrasjon", "Teknisk", "Ledelse"]


class Command(BaseCommand):
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
            if not Person.objects.filter(email=BENCH_LOGINS["hr"]).exists():
                self._this_year()
                self._analyze()
            if not Person.objects.exclude(profession_group="").exists():
                self._professions()
            if not Need.objects.exists():
                self._upward_and_needs(random.Random(13))
                self._analyze()
            if not Publication.objects.exists():
                self._publish()
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
            teams = self._units(n_teams)
            staff = self._people(people, teams, rng)
        self.stdout.write(f"{Unit.objects.count()} units, {Person.objects.count()} people")
        self._conversations(staff, (version, rated), years, actions, rng)
        self._upward_and_needs(rng)
        self._this_year()
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
        self._professions()
        # Exactly 20 reports for the benchmark leader.
        bench = team_leaders[0]
        reports = list(
            Person.objects.filter(manager=bench).order_by("pk").values_list("pk", flat=True)
        )
        if len(reports) > 20:
            Person.objects.filter(pk__in=reports[20:]).update(manager=team_leaders[1])
        return list(Person.objects.filter(manager__isnull=False).values_list("pk", "manager_id"))

    def _conversations(self, staff, versions, years, per_conversation, rng):
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
            with transaction.atomic():
                Conversation.objects.bulk_create(conversations, batch_size=BATCH)
                goals = [
                    Goal(conversation=c, order=g, text=f"Mål {g}")
                    for c in conversations
                    for g in (1, 2)
                ]
                current = year_back == 1
                if not current:  # last year's and older goals have been reviewed
                    for goal in goals:
                        goal.result = rng.choice(
                            [Goal.Result.ACHIEVED] * 5
                            + [Goal.Result.PARTLY] * 3
                            + [Goal.Result.NOT_ACHIEVED] * 2
                        )
                        goal.reviewed_at = goal.conversation.held_at + timedelta(days=360)
                        goal.counted_as = where[goal.conversation.employee_id]
                Goal.objects.bulk_create(goals, batch_size=BATCH)
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
                            rating=min(
                                5, max(1, rng.choice((3, 4, 4, 5)) + lean[unit_of[c.employee_id]])
                            ),
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
                        Conversation.objects.filter(pk=OuterRef("conversation_id")).values(
                            "signed_at"
                        )[:1]
                    )
                    + timedelta(days=1)
                )
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

    def _professions(self) -> None:
        """A profession group for everyone, spread evenly (the insight pages filter by it)."""
        for n, group in enumerate(PROFESSIONS):
            Person.objects.alias(rest=Mod("pk", len(PROFESSIONS))).filter(rest=n).update(
                profession_group=group
            )

    def _upward_and_needs(self, rng) -> None:
        """Last year's round, closed, with the answers about the leaders (insight.leadership),
        and the shared needs its conversations raised (samtale.needs)."""
        started = time.monotonic()
        year = timezone.localdate().year - 1
        form = current_version(Guide.objects.get(key="skjema-8-tema"))
        keys = sorted(form.leadership_keys())
        last_year = list(
            Conversation.objects.filter(signed_at__year=year, scheduled_at__year=year)
            .order_by("pk")
            .values_list("pk", "employee_id", "leader_id", "guide_version_id")
        )
        leans = {leader: rng.choice((-1, 0, 0, 1)) for _pk, _e, leader, _v in last_year}
        with transaction.atomic():
            round_ = Round.objects.create(
                name=f"Medarbeidersamtaler {year}",
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                guide=form.guide,
            )
            Participant.objects.bulk_create(
                (
                    Participant(
                        round=round_,
                        person_id=employee,
                        holder_id=leader,
                        conversation_id=pk,
                    )
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
            # Closed when its period ended, before the year did (insight.publication).
            Round.objects.filter(pk=round_.pk).update(
                closed_at=timezone.make_aware(datetime(year, 12, 15, 16))
            )
            snapshots = leadership_snapshot_take(round=round_)
            unit_of = dict(Person.objects.values_list("pk", "unit_id"))
            raising = [c for c in last_year if rng.random() < 0.05]
            # The bench leader's team has raised one too, however small the organization.
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
                (NeedChange(need=need, status=Need.Status.NEW) for need in needs),
                batch_size=BATCH,
            )
            leader_of = {pk: leader for pk, _e, leader, _v in last_year}
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
        self.stdout.write(
            f"  {year}'s round closed: feedback on {len(snapshots)} leaders, "
            f"{len(needs)} shared needs ({time.monotonic() - started:.0f} s)"
        )

    def _this_year(self):
        """Sign-ins for every role, this year's round, and the bench leader's reports'
        conversations in every state, made through the services as people would."""
        started = time.monotonic()
        hashed = make_password(BENCH_PASSWORD)
        leader = Person.objects.get(email=BENCH_LEADER_EMAIL)
        top_unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        with transaction.atomic():
            for role, flag in (("hr", "is_hr"), ("admin", "is_org_admin")):
                Person.objects.create(
                    email=BENCH_LOGINS[role],
                    first_name="HR" if role == "hr" else "Admin",
                    last_name="Benk",
                    employee_number=f"9{len(role)}{role[:2]}",
                    unit=top_unit,
                    job_title="HR-rådgiver" if role == "hr" else "Systemforvalter",
                    password=hashed,
                    **{flag: True},
                )
            reports = list(leader.reports.order_by("pk"))
            employee = reports[0]
            Person.objects.filter(pk=employee.pk).update(
                email=BENCH_LOGINS["employee"], password=hashed
            )
            Person.objects.filter(pk=leader.manager_id).update(
                email=BENCH_LOGINS["leaders_leader"], password=hashed
            )
        hr = Person.objects.get(email=BENCH_LOGINS["hr"])
        today = timezone.localdate()
        round_ = rounds.round_create(
            actor=hr,
            name=f"Medarbeidersamtaler {today.year}",
            period_start=today,
            period_end=today + timedelta(days=120),
            kind="annual",
            guide=Guide.objects.get(key="skjema-8-tema"),
            units=list(Unit.objects.filter(parent__isnull=True)),
        )
        self.stdout.write(f"round: {round_.participants.count()} participants")
        version = current_version(Guide.objects.get(key="skjema-8-tema"))
        leader = Person.objects.get(pk=leader.pk)
        for n, person in enumerate(Person.objects.filter(manager=leader).order_by("pk")[:16]):
            self._conversation(leader, person, version, round_, stage=n % 4, day=n)
        self.stdout.write(
            f"this year's round and conversations in {time.monotonic() - started:.0f} s"
        )

    def _conversation(self, leader, employee, version, round_, *, stage, day):
        """Stage 0: invited and prepared; 1: held, summary drafted; 2: summary sent for
        review; 3: signed, with a goal and an action."""
        c = lifecycle.conversation_plan(
            actor=leader,
            employee=employee,
            leader=leader,
            guide_version=version,
            scheduled_at=timezone.make_aware(
                datetime.combine(timezone.localdate() + timedelta(days=day + 1), clock(9))
            ),
            place="Møterom 1",
            round=round_,
            confirmed=True,
        )
        lifecycle.conversation_invite(actor=leader, conversation=c)
        theme = version.themes[0]["key"]
        preparation.note_save(
            actor=employee, conversation=c, theme_key=theme, text="Forberedelse", base_version=0
        )
        preparation.preparation_share_all(actor=employee, conversation=_fresh(c))
        if stage == 0:
            return
        agreement.goal_add(
            actor=leader,
            conversation=_fresh(c),
            text="Mål for året",
            action_text="Første tiltak",
            deadline=timezone.localdate() + timedelta(days=30),
            responsible="both",
        )
        lifecycle.conversation_hold(actor=leader, conversation=_fresh(c), confirmed=True)
        current = summary.summary_current(_fresh(c))
        summary.summary_save(
            actor=employee,
            conversation=_fresh(c),
            text="Oppsummering",
            base_version=current.version,
        )
        if stage == 1:
            return
        summary.summary_conclusion_set(
            actor=employee, conversation=_fresh(c), conclusion="actions", shared_outside=""
        )
        summary.summary_submit(actor=employee, conversation=_fresh(c))
        if stage == 2:
            return
        summary.summary_approve(actor=leader, conversation=_fresh(c))
        signing.conversation_sign(actor=employee, conversation=_fresh(c))
        signing.conversation_sign(actor=leader, conversation=_fresh(c))


def _fresh(c: Conversation) -> Conversation:
    return Conversation.objects.select_related("employee", "leader", "guide_version").get(pk=c.pk)
