"""Reading the audit log: HR's and the administrators' search, and the employee's list of
who has read their conversations. Both over querysets the access policy has filtered."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.core.models import AuditEntry
from samtale.org.models import Person


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


def conversations_of(entries) -> dict[str, Conversation]:
    """The conversations the entries name, by the entries' object_id: one query."""
    ids = {int(e.object_id) for e in entries if e.object_id.isdigit()}
    found = Conversation.objects.filter(pk__in=ids).select_related("leader")
    return {str(c.pk): c for c in found}
