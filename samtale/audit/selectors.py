"""Reading the audit log: HR's and the administrators' search, and the employee's list of
who has read their conversations. Both over querysets the access policy has filtered."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.archive.models import SignedForm
from samtale.audit.words import REFERENCES, sentence
from samtale.conversations.models import Conversation
from samtale.core.models import AuditEntry
from samtale.guides.models import GuideVersion, localized
from samtale.org.models import ImportBatch, Person, Unit
from samtale.rounds.models import Round


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def entries_matching(
    entries: QuerySet[AuditEntry],
    *,
    person: Person | None = None,
    kind: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The entries by or about a person (their person record), of a kind (an action or its
    first part), within a period of whole days (Europe/Oslo), newest first."""
    if person is not None:
        entries = entries.filter(
            Q(actor_id=person.pk)
            | Q(object_type=Person._meta.label_lower, object_id=str(person.pk))
        )
    if kind:
        entries = entries.filter(Q(action=kind) | Q(action__startswith=f"{kind}."))
    if since:
        entries = entries.filter(at__gte=_start_of(since))
    if until:
        entries = entries.filter(at__lt=_start_of(until + timedelta(days=1)))
    return entries.order_by("-id")


def conversations_of(entries: Any) -> dict[str, Conversation]:
    """The conversations the entries name, by the entries' object_id: one query."""
    ids = {int(e.object_id) for e in entries if e.object_id.isdigit()}
    found = Conversation.objects.filter(pk__in=ids).select_related("leader")
    return {str(c.pk): c for c in found}


def _full_names(rows: Any) -> dict[int, str]:
    return {pk: f"{first} {last}".strip() for pk, first, last in rows if first or last}


def _names(queryset: Any, path: str = "") -> dict[int, str]:
    """Each row's person by name: the row's own, or the one `path` leads to."""
    return _full_names(queryset.values_list("pk", f"{path}first_name", f"{path}last_name"))


def _latest_guide_names(ids: set[int]) -> dict[int, str]:
    versions = GuideVersion.objects.filter(guide_id__in=ids).order_by("guide_id", "number")
    return {guide: localized(name) for guide, name in versions.values_list("guide_id", "name")}


# How each kind of object is named in the log's sentences (audit.words): a person, unit,
# round or template by its name; a conversation, and the goals, actions and signed forms
# in it, by its employee's; an import by what its file held.
_NAMES: dict[str, Callable[[set[int]], dict[int, str]]] = {
    "org.person": lambda ids: _names(Person.objects.filter(pk__in=ids)),
    "org.unit": lambda ids: dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name")),
    "rounds.round": lambda ids: dict(Round.objects.filter(pk__in=ids).values_list("pk", "name")),
    "guides.guide": _latest_guide_names,
    "org.importbatch": lambda ids: dict(
        ImportBatch.objects.filter(pk__in=ids).values_list("pk", "kind")
    ),
    "conversations.conversation": lambda ids: _names(
        Conversation.objects.filter(pk__in=ids), "employee__"
    ),
    "actions.goal": lambda ids: _names(Goal.objects.filter(pk__in=ids), "conversation__employee__"),
    "actions.action": lambda ids: _names(Action.objects.filter(pk__in=ids), "employee__"),
    "archive.signedform": lambda ids: _names(
        SignedForm.objects.filter(pk__in=ids), "conversation__employee__"
    ),
}


def names_of(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """(object type, id) → name, for the entries' objects and for the people, units and
    templates their details name by id (audit.words.REFERENCES): one query per kind of
    object among them, however many entries. Only names: never what anyone wrote. An object
    since deleted has none."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        if entry.object_type in _NAMES and entry.object_id.isdigit():
            wanted[entry.object_type].add(int(entry.object_id))
        data = entry.data if isinstance(entry.data, dict) else {}
        for key, object_type in REFERENCES.items():
            value = data.get(key)
            if type(value) is int:
                wanted[object_type].add(value)
            elif isinstance(value, list):  # several people, by id
                wanted[object_type].update(item for item in value if type(item) is int)
    return {
        (object_type, str(pk)): name
        for object_type, ids in wanted.items()
        for pk, name in _NAMES[object_type](ids).items()
    }


def sentences_of(entries: Iterable[AuditEntry]) -> list[str]:
    """Each entry as the log's page says it (audit.words), with the names it looks up in one
    query per kind of object: for every page that shows entries (core.audit.sentences_of)."""
    entries = list(entries)
    names = names_of(entries)
    return [sentence(entry, names) for entry in entries]
