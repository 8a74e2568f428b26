"""Who may see which figures: the status analysis's scope, the answers, the feedback on leadership.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from samtale.actions.models import Action
from samtale.conversations.models import (
    Conversation,
)
from samtale.core.access import require, roles_for
from samtale.insight.models import LeadershipSnapshot
from samtale.org.models import Person, Unit
from samtale.org.policy import union_units_of


def may_see_insight(user) -> bool:
    """Figures from people's answers across the organization (Likert results), each only
    for a group the anonymity rule lets through: HR."""
    return roles_for(user).is_hr


def may_see_answers(user) -> bool:
    """The answers to the statements, as published: HR for the organization and every
    unit; a union representative for the whole organization and the units they are elected
    for, as they read the organization's competence plan beside their units' (PRODUCT.md:
    the published figures, to take part in the competence mapping). Each group's figure is
    the one published for it, the same for every reader, and the publication's proof covers
    every figure anyone can see (insight.publication)."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_union_rep


def answer_units(user) -> QuerySet[Unit]:
    """The units whose published answers the user reads, below the whole organization's
    (may_see_answers)."""
    roles = roles_for(user)
    if roles.is_hr:
        return Unit.objects.all()
    return union_units_of(user)


def may_see_status(user) -> bool:
    """The status analysis: HR for the whole organization; a leader for the people below them
    in the line (a leader's leader: the units below), once they are at least k
    (SAMTALE_MIN_GROUP), so that a team of two is not a report on two people."""
    from samtale.insight.anonymity import min_group

    roles = roles_for(user)
    return roles.is_hr or len(roles.subordinate_ids) >= min_group()


@dataclass(frozen=True)
class StatusScope:
    """What a user's status analysis may COUNT, never read one by one: HR everyone, a
    leader the people below them in the line (not their own conversations as an employee).
    The figures from answers are not counted from these: they are published per period
    (insight.publication), HR's by unit and a leader's by their line (`leader_id`)."""

    people: QuerySet
    units: QuerySet
    conversations: QuerySet
    actions: QuerySet
    whole_organization: bool
    leader_id: int | None = None


def whole_organization_scope() -> StatusScope:
    """Everything counted: HR's scope, and what the worker counts for HR (insight.tallies)."""
    return StatusScope(
        people=Person.objects.all(),
        units=Unit.objects.all(),
        conversations=Conversation.objects.all(),
        actions=Action.objects.all(),
        whole_organization=True,
    )


def status_scope_of(user) -> StatusScope:
    require(may_see_status(user))
    roles = roles_for(user)
    if roles.is_hr:
        return whole_organization_scope()
    below = roles.subordinate_ids
    people = Person.objects.filter(pk__in=below)
    return StatusScope(
        people=people,
        units=Unit.objects.filter(pk__in=people.values("unit_id")),
        conversations=Conversation.objects.filter(employee_id__in=below),
        actions=Action.objects.filter(goal__conversation__employee_id__in=below),
        whole_organization=False,
        leader_id=roles.person_id,
    )


def leadership_snapshots_visible_to(user) -> QuerySet:
    """Upward feedback (insight.leadership): a leader's own, and that of the leaders who
    report to them; never HR's or anyone else's. Frozen aggregates for at least k people."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return LeadershipSnapshot.objects.none()
    return LeadershipSnapshot.objects.filter(
        Q(leader_id=person_id) | Q(leader__manager_id=person_id)
    )


def may_see_leadership(user) -> bool:
    """The upward feedback page: a leader, for the feedback about them and the leaders who
    report to them (nothing until a round closes). Someone who leads nobody any more no
    longer reaches their old snapshots; the check costs no query on every page."""
    return roles_for(user).is_leader


def may_see_any_insight(user) -> bool:
    """Whether the Insight menu leads anywhere for this user."""
    return may_see_status(user) or may_see_leadership(user) or may_see_answers(user)
