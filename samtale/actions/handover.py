"""A change of line manager, and the follow-up it leaves (org.models.LeaderChange).

The open actions the earlier line manager owns pass to the new one when the employee says
so, with the last signed summary if they choose; until then the earlier leader keeps them
and the new one sees how many wait. The employee decides because whoever changes a line
manager (an administrator, an import, the identity provider's token) never reads a
conversation, and neither may a leader they chose (PRODUCT.md); the employee knows their
new leader. A conversation held but not yet signed stays with the two who held it; once
signed, its actions follow the employee's decision like the rest.
"""

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.actions.models import Action, ActionUpdate
from samtale.actions.selectors import OPEN
from samtale.conversations.models import Conversation
from samtale.conversations.services import handover as conversations_handover
from samtale.core.access import require, roles_for
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org.models import LeaderChange, Person

F = LeaderChange.FollowUp


def _earlier_leaders(change: LeaderChange) -> set[int]:
    """The leaders whose actions this change asks about: its earlier line manager, and
    those of the changes it replaced before the employee answered them."""
    earlier = LeaderChange.objects.filter(
        person_id=change.person_id, follow_up=F.SUPERSEDED, decided_at__isnull=True
    ).values_list("old_manager_id", flat=True)
    return {pk for pk in (change.old_manager_id, *earlier) if pk is not None} - {
        change.new_manager_id
    }


def _waiting(change: LeaderChange) -> QuerySet[Action]:
    """The person's open agreed actions owned by the earlier leaders."""
    return Action.objects.filter(
        employee_id=change.person_id,
        leader_id__in=_earlier_leaders(change),
        followed=True,
        status__in=OPEN,
    )


def _summary_to_share(change: LeaderChange) -> Conversation | None:
    return conversations_handover.last_signed(
        employee_id=change.person_id, leader_ids=_earlier_leaders(change)
    )


def follow_up_ask(*, change: LeaderChange) -> None:
    """A new line manager: the employee is asked about their follow-up, if there is any to
    pass on. An earlier question not yet answered is replaced by this one."""
    LeaderChange.objects.filter(person_id=change.person_id, follow_up=F.ASKED).exclude(
        pk=change.pk
    ).update(follow_up=F.SUPERSEDED)
    if change.new_manager_id is None:
        return
    if _waiting(change).exists() or _summary_to_share(change) is not None:
        change.follow_up = F.ASKED
        change.save(update_fields=["follow_up"])


def actions_waiting_after(
    *, person_id: int, old_manager_id: int | None, new_manager_id: int | None
) -> QuerySet[Action]:
    """The open actions a change of line manager would ask the employee about
    (follow_up_ask), before it is made: counted for the administrator who makes it."""
    if new_manager_id is None:
        return Action.objects.none()
    change = LeaderChange(
        person_id=person_id, old_manager_id=old_manager_id, new_manager_id=new_manager_id
    )
    return _waiting(change)


def follow_up_asked_of(user) -> QuerySet[LeaderChange]:
    """The person's own question about passing their follow-up on, if one waits (the latest)."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return LeaderChange.objects.none()
    return LeaderChange.objects.filter(person_id=person_id, follow_up=F.ASKED).select_related(
        "old_manager", "new_manager"
    )


def get_question_for(user, pk) -> LeaderChange:
    """The question for the person it is about; 404 for everyone else."""
    change = follow_up_asked_of(user).filter(pk=pk).first()
    if change is None:
        raise Http404
    return change


def question_context(change: LeaderChange) -> dict:
    """What the employee decides on: their own actions (they read them anyway) and which
    summary would be shared."""
    return {
        "change": change,
        "actions": _waiting(change).select_related("goal", "leader").order_by("deadline", "pk"),
        "summary_conversation": _summary_to_share(change),
    }


BROUGHT_SQL = """
SELECT 1 FROM {change} c JOIN {person} p ON p.id = c.person_id
WHERE c.new_manager_id = %s AND p.manager_id = %s LIMIT 1
"""


def brought_to(leader_id: int) -> bool:
    """Whether any of the leader's reports came to them by a change of line manager: only
    then can follow-up wait for the employee's word (waiting_for) or a summary be shared with
    them (follow_up_handover_decide). Asked on every load of the overview, and almost always
    no: one query written by hand, as the ORM takes longer to build it than to run it."""
    sql = BROUGHT_SQL.format(change=LeaderChange._meta.db_table, person=Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [leader_id, leader_id])
        return cursor.fetchone() is not None


def waiting_for(leader_id: int) -> list[dict]:
    """For the new leader's overview: who has open actions waiting to be passed to them, and
    how many (counts, never texts: they are not theirs to read until the employee says so)."""
    changes = LeaderChange.objects.filter(
        new_manager_id=leader_id, follow_up=F.ASKED, person__manager_id=leader_id
    ).select_related("person", "old_manager")
    return [
        {"person": change.person, "from": change.old_manager, "count": _waiting(change).count()}
        for change in changes
    ]


@transaction.atomic
def follow_up_handover_decide(
    *, actor: Person, change: LeaderChange, pass_on: bool, share_summary: bool = False
) -> int:
    """The employee passes their open actions from the earlier leader to the new one (each
    with the step in its history), and may let the new leader read their last signed
    summary; or keeps them with the earlier leader. Returns how many actions passed."""
    change = LeaderChange.objects.select_for_update().get(pk=change.pk)
    require(change.person_id == actor.pk)
    if change.follow_up != F.ASKED:
        raise DomainError(_("You have already answered this."))
    if actor.manager_id != change.new_manager_id:
        raise DomainError(_("Your line manager has changed again since: answer the latest change."))
    leaders = _earlier_leaders(change)
    passed = 0
    if pass_on:
        new = change.new_manager
        for action in _waiting(change).select_for_update():
            ActionUpdate.objects.create(
                action=action, actor=actor, leader_from_id=action.leader_id, leader_to=new
            )
            action.leader = new
            action.save(update_fields=["leader", "updated_at"])
            passed += 1
        summary = _summary_to_share(change)
        if share_summary and summary is not None and new is not None:
            conversations_handover.summary_share(actor=actor, conversation=summary, reader=new)
        email_queue(to=new, kind="follow_up_passed", ref={"change": change.pk})
    now = timezone.now()
    LeaderChange.objects.filter(
        Q(pk=change.pk)
        | Q(person_id=change.person_id, follow_up=F.SUPERSEDED, decided_at__isnull=True)
    ).update(decided_at=now)
    change.follow_up = F.PASSED if pass_on else F.KEPT
    change.decided_at = now
    change.save(update_fields=["follow_up", "decided_at"])
    audit_log(
        actor=actor,
        action="person.follow_up_passed" if pass_on else "person.follow_up_kept",
        obj=actor,
        change=change.pk,
        actions=passed,
        summary_shared=bool(pass_on and share_summary),
        leaders=sorted(leaders),
    )
    return passed


def follow_up_passed_on(*, conversation: Conversation) -> None:
    """A conversation held with an earlier line manager is signed after the employee passed
    their follow-up on: its actions go to the line manager they were passed to. Called by
    the signing (samtale.signing.services) in its transaction."""
    change = (
        LeaderChange.objects.filter(
            person_id=conversation.employee_id,
            old_manager_id=conversation.leader_id,
            follow_up=F.PASSED,
            # Still their line manager (read now: the conversation's copy may be older).
            new_manager_id=Person.objects.filter(pk=conversation.employee_id).values("manager_id")[
                :1
            ],
        )
        .order_by("-at")
        .first()
    )
    if change is None or change.new_manager_id is None:
        return
    actions = Action.objects.filter(
        goal__conversation=conversation, leader_id=conversation.leader_id, status__in=OPEN
    )
    for action in actions:
        ActionUpdate.objects.create(
            action=action,
            actor=None,
            leader_from_id=action.leader_id,
            leader_to_id=change.new_manager_id,
        )
    actions.update(leader_id=change.new_manager_id)
