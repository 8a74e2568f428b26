"""Who may see the shared needs: raised in a conversation, and the register.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from samtale.conversations.models import (
    Conversation,
)
from samtale.conversations.policy import conversations_visible_to
from samtale.core.access import roles_for
from samtale.needs.models import Category, Need, RaisedNeed
from samtale.org.policy import union_units_of
from samtale.priorities import policy as priorities_policy


def all_raised_needs_visible_to(user) -> QuerySet[RaisedNeed]:
    """raised_needs_visible_to over every conversation the user is a party to."""
    return RaisedNeed.objects.filter(conversation__in=conversations_visible_to(user))


# The shared-needs register ----------------------------------------------


def may_list_needs(user) -> bool:
    """The register: HR for the organization, a leader for the units of the people below
    them in the line."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader


def needs_visible_to(user) -> QuerySet[Need]:
    """Needs in the register a user may see, change and merge (never the conversations that
    raised them): HR all; a leader those raised in conversations held by them or by a leader
    below them. Not by the unit: a line manager newly put over someone (by an administrator,
    say) must not read what was shared from conversations held before them."""
    roles = roles_for(user)
    if roles.is_hr:
        return Need.objects.all()
    if not roles.is_leader:
        return Need.objects.none()
    line = {roles.person_id, *roles.subordinate_ids}
    raised_in_line = RaisedNeed.objects.filter(
        need_id=OuterRef("pk"), conversation__leader_id__in=line
    )
    # What a competence plan put in the budget: for the leaders who keep that unit's plan.
    planned = Q(from_plan=True, unit__in=priorities_policy.units_writable_by(user))
    return Need.objects.filter(Q(Exists(raised_in_line)) | planned)


def competence_needs_visible_to(user) -> QuerySet[Need]:
    """The shared needs for competence a competence plan shows its reader: those of the
    register they see, and to a union representative those of the units they are elected
    for (needs hold no one's conversation: the register counts conversations, never names
    them)."""
    roles = roles_for(user)
    needs = needs_visible_to(user)
    if roles.is_union_rep:
        needs = Need.objects.filter(
            Q(pk__in=needs.values("pk")) | Q(unit__in=union_units_of(user).values("pk"))
        )
    return needs.filter(category=Category.COMPETENCE)


def get_need_for(user, pk) -> Need:
    try:
        return needs_visible_to(user).select_related("unit").get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def raised_needs_visible_to(user, conversation: Conversation) -> QuerySet[RaisedNeed]:
    """The needs raised in a conversation: its two parties only."""
    if conversation.party(user) is None:
        return RaisedNeed.objects.none()
    return RaisedNeed.objects.filter(conversation=conversation)


def get_raised_need_for(user, conversation: Conversation, pk) -> RaisedNeed:
    try:
        return raised_needs_visible_to(user, conversation).get(pk=pk)
    except (RaisedNeed.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
