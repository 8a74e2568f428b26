"""Who the load test (bench/loadtest.py) plays, on a benchmark database (`bench_data`).

Counts the insight figures first if the worker has not (as it does every hour).

Picks leaders with reports and open actions, plans each some conversations this month
(through the services, as a leader would) so their employees have a preparation to write
in, and signs everyone in: one session per simulated user, made as a sign-in makes it, so
the load test measures the pages and not the password hash. Every session counts as signed
in with a second factor (as through single sign-on with one): leaders, HR and the
employees who lead others must have one (accounts.mfa). Writes the sessions and what
each user works on to a JSON file. Run it again for a new run: it reuses what it planned.
"""

import json
import time
from datetime import datetime, timedelta
from datetime import time as clock
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from samtale.accounts.sso import PROVIDER_MFA
from samtale.actions.models import Action
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.core.errors import DomainError
from samtale.demo.bench_today import BENCH_LOGINS
from samtale.guides.models import Guide
from samtale.guides.selectors import current_version
from samtale.insight import tallies
from samtale.insight.models import Tally
from samtale.org.models import Person
from samtale.rounds.models import Round
from samtale.tenancy.commands import TenantCommand

OPEN = (Conversation.Status.PLANNED, Conversation.Status.INVITED, Conversation.Status.PREPARED)
GUIDE = "skjema-8-tema"


class Command(TenantCommand):
    # One tenant's data, from one file or into one: never every tenant's at once.
    allows_every_tenant = False
    help = "Sessions and work for the load test (bench/loadtest.py) on a benchmark database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--employees", type=int, default=140)
        parser.add_argument("--leaders", type=int, default=45)
        parser.add_argument("--hr", type=int, default=15)
        parser.add_argument("--out", required=True)

    def handle(self, *args, employees, leaders, hr, out, **options):
        started = time.monotonic()
        hr_person = Person.objects.filter(email=BENCH_LOGINS["hr"]).first()
        if hr_person is None:
            raise CommandError("Not a benchmark database: run `manage.py bench_data` first.")
        version = current_version(Guide.objects.get(key=GUIDE))
        chosen = self._leaders(leaders)
        work = self._preparations(chosen, version, employees)
        themes = [t["key"] for t in version.themes if not t.get("leader_only")]
        round_ = Round.objects.order_by("-pk").first()
        self._counted(round_)
        plan = {
            "employees": [
                {"session": self._session(c.employee), "conversation": c.pk, "themes": themes}
                for c in work
            ],
            "leaders": [
                {"session": self._session(leader), "actions": actions} for leader, actions in chosen
            ],
            "hr": [{"session": self._session(hr_person)} for _ in range(hr)],
            "round": round_.pk if round_ else None,
        }
        with open(out, "w", encoding="utf-8") as f:
            json.dump(plan, f)
        self.stdout.write(
            f"load: {len(plan['employees'])} employees preparing, {len(chosen)} leaders, "
            f"{hr} HR sessions ({time.monotonic() - started:.0f} s)"
        )

    def _counted(self, round_) -> None:
        """The organization's insight figures and the round's, counted as the worker counts
        them every hour (insight.jobs): in a round's busy week they have long been counted,
        and HR's pages read them. Not counted, the first visits would count them on the spot."""
        if not Tally.objects.filter(kind=Tally.Kind.STATUS, year=timezone.localdate().year):
            started = time.monotonic()
            tallies.refresh()
            self.stdout.write(f"load: insight counted ({time.monotonic() - started:.0f} s)")
        if round_ is not None:
            tallies.organization_round(round_)

    def _leaders(self, wanted: int) -> list[tuple[Person, list[int]]]:
        """Leaders with active reports and open actions in signed conversations; each with
        the ids of up to 20 of those actions."""
        candidates = (
            Person.objects.filter(is_active=True)
            .annotate(n=Count("reports", filter=Q(reports__is_active=True)))
            .filter(n__gte=3)
            .exclude(email__in=BENCH_LOGINS.values())
            .order_by("pk")
        )
        chosen: list[tuple[Person, list[int]]] = []
        for leader in candidates.iterator():
            actions = list(
                Action.objects.filter(
                    leader_id=leader.pk,
                    status__in=[Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS],
                    goal__conversation__status=Conversation.Status.SIGNED,
                ).values_list("pk", flat=True)[:20]
            )
            if actions:
                chosen.append((leader, actions))
            if len(chosen) == wanted:
                break
        return chosen

    def _preparations(self, chosen, version, wanted: int) -> list[Conversation]:
        """Open conversations with the chosen leaders' reports: those planned by an earlier
        run, then new ones, a few per leader, each on its own morning."""
        leaders = [leader for leader, _actions in chosen]
        found = list(
            Conversation.objects.filter(
                leader__in=leaders, status__in=OPEN, guide_version=version
            ).select_related("employee")[:wanted]
        )
        taken = {c.employee_id for c in found}
        day = 0
        for leader in leaders:
            for employee in leader.reports.filter(is_active=True).order_by("pk"):
                if len(found) >= wanted:
                    return found
                if employee.pk in taken:
                    continue
                day += 1
                try:
                    conversation = lifecycle.conversation_plan(
                        actor=leader,
                        employee=employee,
                        leader=leader,
                        guide_version=version,
                        scheduled_at=timezone.make_aware(
                            datetime.combine(
                                timezone.localdate() + timedelta(days=7 + day % 60),
                                clock(8 + day // 60 % 8),
                            )
                        ),
                        place="Møterom 1",
                        confirmed=True,
                    )
                    lifecycle.conversation_invite(actor=leader, conversation=conversation)
                except DomainError:
                    continue  # already has an open conversation, or the day is taken
                taken.add(employee.pk)
                found.append(conversation)
        return found

    def _session(self, person: Person) -> str:
        """A signed-in session, as django.contrib.auth.login leaves it after a provider's
        second factor."""
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        now = int(time.time())
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store["login_at"] = store["seen_at"] = now
        store[PROVIDER_MFA] = True
        store.create()
        return store.session_key
