"""Who may read and keep the competence plans (competence.models).

Part of the one access policy (core.access is its ground floor): views, exports and the
services ask it. A plan holds no one's conversation: only figures published under the
publication rule (insight.publication), the shared needs of the register, and what its
readers write. HR reads and keeps every unit's plan and the organization's; a leader those
of the units they write goals for (their own, and those of the people below them in the
line: priorities.policy), and reads the organization's. A union representative (tillitsvalgt)
reads the plans of the units they are elected for (org.policy.union_units_of) and the
organization's, and comments on them; they keep none.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from samtale.core.access import roles_for
from samtale.org.models import Unit
from samtale.org.policy import union_units_of
from samtale.priorities import policy as priorities_policy


def may_see_plans(user) -> bool:
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader or roles.is_union_rep


def units_plan_visible(user) -> QuerySet[Unit]:
    """The units whose plans the user reads: those they keep, and those they are elected for."""
    kept = priorities_policy.units_writable_by(user)
    if not roles_for(user).is_union_rep:
        return kept
    return Unit.objects.filter(is_active=True).filter(
        Q(pk__in=kept.values("pk")) | Q(pk__in=union_units_of(user).values("pk"))
    )


def may_see_organization_plan(user) -> bool:
    return may_see_plans(user)


def may_keep_plan(user, unit: Unit | None) -> bool:
    """Whether the user sets the plan's priorities and statuses (None: the organization's,
    HR alone)."""
    return priorities_policy.may_write_unit(user, unit)


def may_comment_plan(user, unit: Unit | None, *, keeps: bool | None = None) -> bool:
    """Whether the user comments on a plan: its keepers (`keeps`, if asked already), and the
    union representatives elected for its unit (the organization's: those elected for the
    whole organization)."""
    if may_keep_plan(user, unit) if keeps is None else keeps:
        return True
    roles = roles_for(user)
    if not roles.is_union_rep:
        return False
    if unit is None:
        return roles.union_unit_id is None
    return union_units_of(user).filter(pk=unit.pk).exists()
