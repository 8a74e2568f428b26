"""`manage.py incident --tenant <slug> --since … --until … [--account <e-mail>] [--json]`:
the facts of a suspected breach in one municipality, from its audit log (audit.incident,
docs/running/incident.md): who signed in from where, what was read outside the two parties,
exported and changed, and whose data it was; with an account, also whom it could read.

Times are read in Europe/Oslo (2026-11-28 or 2026-11-28T14:30); --until is not included.
`--json` gives the same for the municipality to work from (its notification and letters).
"""

import json
from datetime import datetime, time
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from samtale import tenancy
from samtale.audit.incident import Facts, facts
from samtale.org.models import Person
from samtale.tenancy.commands import TenantCommand


def _moment(text: str, name: str) -> datetime:
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"{name}: {text!r} is no date or time (2026-11-28T14:30).")
        moment = datetime.combine(day, time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _person(person: Person) -> dict[str, Any]:
    return {"id": person.pk, "name": person.get_full_name(), "email": person.email}


def facts_json(found: Facts) -> dict[str, Any]:
    return {
        "tenant": tenancy.current().slug,
        "since": found.since.isoformat(),
        "until": found.until.isoformat(),
        "account": _person(found.account) if found.account else None,
        "sign_ins": [
            {
                "at": timezone.localtime(e.at).isoformat(),
                "action": e.action,
                "who": e.actor_name or (f"person {e.object_id}" if e.object_id else ""),
                "from": e.ip,
            }
            for e in found.sign_ins
        ],
        "done": {actor: dict(kinds) for actor, kinds in found.done.items()},
        "from": {actor: sorted(ips) for actor, ips in found.addresses.items()},
        "concerned": [
            {**_person(s.person), "done": dict(s.done), "by": sorted(s.by)} for s in found.subjects
        ],
        "could_read_conversations_of": [_person(p) for p in found.reach],
        "could_read_shared_conclusions_of": [_person(p) for p in found.shared_reach],
    }


class Command(TenantCommand):
    help = "The facts of a suspected breach in a municipality, from its audit log."
    suspended_too = True  # a municipality suspended because of the incident is the one asked

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="From (Europe/Oslo).")
        parser.add_argument("--until", default="", help="Until, not included (default: now).")
        parser.add_argument("--account", default="", help="One account's e-mail address.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="As JSON.")

    def handle(self, *, since, until, account, as_json: bool, **options):
        start = _moment(since, "--since")
        end = _moment(until, "--until") if until else timezone.now()
        if end <= start:
            raise CommandError("--until must come after --since.")
        person = None
        if account:
            person = Person.objects.filter(email__iexact=account.strip()).first()
            if person is None:
                raise CommandError(f"No account {account!r} in {tenancy.current().slug}.")
        found = facts(since=start, until=end, account=person)
        if as_json:
            self.stdout.write(json.dumps(facts_json(found), ensure_ascii=False, indent=1))
            return
        self._write(found)

    def _write(self, found: Facts) -> None:
        out = self.stdout.write
        out(
            f"{tenancy.current().slug}: {timezone.localtime(found.since):%Y-%m-%d %H:%M} to "
            f"{timezone.localtime(found.until):%Y-%m-%d %H:%M}"
            + (f", the account {found.account.email}" if found.account else "")
        )
        out(f"\nSign-ins and sign-outs: {len(found.sign_ins)}")
        for entry in found.sign_ins:
            who = entry.actor_name or (f"person {entry.object_id}" if entry.object_id else "?")
            when = timezone.localtime(entry.at)
            out(f"  {when:%Y-%m-%d %H:%M:%S}  {entry.action:<18} {who}  {entry.ip or '-'}")
        out("\nWhat was done, by whom, from where:")
        for actor, kinds in sorted(found.done.items()):
            counted = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
            ips = ", ".join(sorted(found.addresses.get(actor, ()))) or "-"
            out(f"  {actor}: {counted} (from {ips})")
        count = len(found.subjects)
        out(f"\nWhose data it concerned: {count} {'person' if count == 1 else 'people'}")
        for subject in found.subjects:
            counted = ", ".join(f"{k} {n}" for k, n in sorted(subject.done.items()))
            out(
                f"  {subject.person.get_full_name()} <{subject.person.email}>: {counted}, "
                f"by {', '.join(sorted(subject.by))}"
            )
        if found.account is not None:
            out(
                f"\nWhat the account could read by its own roles (its reads of its own "
                f"conversations are not logged): the conversations of {len(found.reach)} "
                f"people, the shared conclusions of {len(found.shared_reach)}"
            )
            for person in found.reach:
                out(f"  {person.get_full_name()} <{person.email}>")
            if found.shared_reach:
                out("Whose shared conclusions it could read:")
                for person in found.shared_reach:
                    out(f"  {person.get_full_name()} <{person.email}>")
