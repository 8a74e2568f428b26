"""Who may read and keep the competence plans (competence.models).

Part of the one access policy (core.access is its ground floor): views, exports and the
services ask it. A plan holds no one's conversation: only figures published under the
publication rule (insight.publication), the shared needs of the register, and what its
readers write. HR reads and keeps every unit's plan and the organization's; a leader those
of the units they write goals for (their own, and those of the people below them in the
line: priorities.policy), and reads the organization's.
"""

from __future__ import annotations

from django.db.models import QuerySet

from samtale.core.access import roles_for
from samtale.org.models import Unit
from samtale.priorities import policy as priorities_policy


def may_see_plans(user) -> bool:
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader


def units_plan_visible(user) -> QuerySet[Unit]:
    """The units whose plans the user reads (and keeps)."""
    return priorities_policy.units_writable_by(user)


def may_see_organization_plan(user) -> bool:
    return may_see_plans(user)


def may_keep_plan(user, unit: Unit | None) -> bool:
    """Whether the user sets the plan's priorities and statuses (None: the organization's,
    HR alone)."""
    return priorities_policy.may_write_unit(user, unit)


def may_comment_plan(user, unit: Unit | None) -> bool:
    """Whether the user comments on a plan they read: its keepers, and HR."""
    return may_keep_plan(user, unit)
