"""Who may search the audit log, and see who has read their conversations.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast

from samtale.conversations.models import (
    Conversation,
)
from samtale.core.access import roles_for
from samtale.core.models import AuditEntry

# The audit log ---------------------------------------------------------------


def may_search_audit(user) -> bool:
    """Search the whole audit log by person, kind and period: HR and administrators. It
    holds who did what to which object, when and from where; never content."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    if not may_search_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.all()


def may_see_reads_of_my_conversations(user) -> bool:
    """Everyone signed in sees who outside their conversations has read them."""
    return roles_for(user).person_id is not None


# Reads of a conversation's content by someone outside its two parties (core.audit_reads);
# "summary.shared.read" was HR's before the reads had one action.
READ_ACTIONS = ("conversation.read", "summary.shared.read")


def reads_of_my_conversations(user) -> QuerySet[AuditEntry]:
    """Every recorded read of the content of the user's own conversations (those where they
    are the employee) by someone outside the two parties: who, when, what and in which role.
    The leader sees theirs as an employee, never those of the conversations they hold."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return AuditEntry.objects.none()
    mine = (
        Conversation.objects.filter(employee_id=person_id)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return AuditEntry.objects.filter(
        action__in=READ_ACTIONS,
        object_type=Conversation._meta.label_lower,
        object_id__in=mine,
    ).exclude(actor_id=person_id)
