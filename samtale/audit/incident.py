"""The facts of a suspected breach, from one municipality's audit log (`manage.py incident`,
docs/running/incident.md): within a time window, and for one account or for everyone, who
signed in from where, what was read outside the conversations' two parties, exported and
changed, and whose data each of those concerned — what the municipality's notification to
Datatilsynet (GDPR art. 33) and its letters to the people concerned (art. 34) need.

The audit log holds no content, and so neither does this: people by name and address,
what was done by kind and count. It does not hold every read: the two parties of a
conversation read it without an entry. For one account, `reach` says what it could read by
its own roles (the one access policy, as if it were still active), so that the
municipality can tell those people too.
"""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from samtale.actions.models import Action, Goal
from samtale.archive.models import SignedForm
from samtale.audit.policy import READ_ACTIONS
from samtale.conversations.models import Conversation
from samtale.conversations.policy import conversations_visible_to, shared_conclusions_visible_to
from samtale.core.models import AuditEntry
from samtale.org.models import Person

# What an entry did, by its action's first part (a read outside the two, an export); every
# other action changed something, or signed in or out.
READ = "read"
EXPORTED = "exported"
CHANGED = "changed"
SIGN_IN = ("login", "logout", "password_reset")


def kind_of(action: str) -> str:
    if action in READ_ACTIONS:
        return READ
    if action.startswith(("download.", "privacy.copy", "api.export")):
        return EXPORTED
    return CHANGED


# Whose data an entry's object is: the person it is, or the employee whose conversation
# (or goal, action, signed form) it is. One query per kind of object.
_SUBJECTS = {
    "org.person": lambda ids: {
        pk: pk for pk in Person.objects.filter(pk__in=ids).values_list("pk", flat=True)
    },
    "conversations.conversation": lambda ids: dict(
        Conversation.objects.filter(pk__in=ids).values_list("pk", "employee_id")
    ),
    "actions.goal": lambda ids: dict(
        Goal.objects.filter(pk__in=ids).values_list("pk", "conversation__employee_id")
    ),
    "actions.action": lambda ids: dict(
        Action.objects.filter(pk__in=ids).values_list("pk", "employee_id")
    ),
    "archive.signedform": lambda ids: dict(
        SignedForm.objects.filter(pk__in=ids).values_list("pk", "conversation__employee_id")
    ),
}


@dataclass
class Subject:
    """One person whose data the window's entries concerned."""

    person: Person
    done: Counter[str] = field(default_factory=Counter)  # kind → count
    by: set[str] = field(default_factory=set)  # who did it


@dataclass
class Facts:
    since: datetime
    until: datetime
    account: Person | None
    sign_ins: list[AuditEntry]
    done: dict[str, Counter[str]]  # actor → kind → count
    addresses: dict[str, set[str]]  # actor → the addresses it acted from
    subjects: list[Subject]
    # With an account: the people whose conversations it could read, and whose shared
    # conclusions (its own roles, by the access policy).
    reach: list[Person] = field(default_factory=list)
    shared_reach: list[Person] = field(default_factory=list)


def _window(since: datetime, until: datetime, account: Person | None) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(at__gte=since, at__lt=until)
    if account is not None:
        # What it did, and every attempt to sign in as it (a failed one names no actor).
        entries = entries.filter(
            Q(actor_id=account.pk)
            | Q(action__startswith="login.", object_type="org.person", object_id=str(account.pk))
        )
    return entries.order_by("id")


def _subjects_of(entries: list[AuditEntry]) -> dict[tuple[str, str], int]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.object_type in _SUBJECTS and entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
    return {
        (object_type, str(pk)): person
        for object_type, ids in wanted.items()
        for pk, person in _SUBJECTS[object_type](ids).items()
        if person is not None
    }


def _actor(entry: AuditEntry) -> str:
    if entry.actor_id is None:
        return "Samtale" if not entry.ip else f"not signed in ({entry.ip})"
    return entry.actor_name or f"person {entry.actor_id}"


def _as_active(person: Person) -> Any:
    """The person as the policy would have seen them signed in: what the account could
    reach, whether or not it has been closed since."""
    subject = copy.copy(person)
    subject.__dict__.pop("_samtale_roles", None)
    subject.is_active = True
    return subject


def facts(*, since: datetime, until: datetime, account: Person | None = None) -> Facts:
    """The facts of the window (see the module's notes): a few queries, however many
    entries."""
    entries = list(_window(since, until, account))
    sign_ins = [e for e in entries if e.action.split(".", 1)[0] in SIGN_IN]
    signing_in = {e.id for e in sign_ins}
    done: dict[str, Counter[str]] = defaultdict(Counter)
    addresses: dict[str, set[str]] = defaultdict(set)
    subject_of = _subjects_of(entries)
    touched: dict[int, Subject] = {}
    people = Person.objects.in_bulk(set(subject_of.values()))
    for entry in entries:
        actor = _actor(entry)
        if entry.ip:
            addresses[actor].add(entry.ip)
        if entry.id in signing_in:
            continue
        kind = kind_of(entry.action)
        done[actor][kind] += 1
        person_id = subject_of.get((entry.object_type, entry.object_id))
        if person_id is not None and person_id in people:
            subject = touched.setdefault(person_id, Subject(people[person_id]))
            subject.done[kind] += 1
            subject.by.add(actor)
    found = Facts(
        since=since,
        until=until,
        account=account,
        sign_ins=sign_ins,
        done=dict(done),
        addresses=dict(addresses),
        subjects=sorted(touched.values(), key=lambda s: (s.person.last_name, s.person.first_name)),
    )
    if account is not None:
        reader = _as_active(account)
        parties = conversations_visible_to(reader).values("employee_id", "leader_id")
        ids = {row[key] for row in parties for key in ("employee_id", "leader_id")} - {account.pk}
        found.reach = list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name"))
        shared = shared_conclusions_visible_to(reader).values_list(
            "conversation__employee_id", flat=True
        )
        found.shared_reach = list(
            Person.objects.filter(pk__in=set(shared)).order_by("last_name", "first_name")
        )
    return found
