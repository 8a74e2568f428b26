"""What a change of line manager brings with it, in this order, in the transaction that
made the change (org.services.leader_changes_record):

1. the person's conversations not yet held move to the new line manager
   (conversations.services.handover, which records them in change.moved);
2. the employee is asked whether their follow-up passes to the new leader (actions.handover);
3. in the open rounds the new line manager holds the person's conversation, and the
   participant follows its conversation where it moved (below).

org stands below the apps that follow a person and cannot call them: it sends
line_manager_changed, and this is its one receiver. The three steps are called here, in
the order the third needs, not left to the order the apps happen to be installed in.
It also tells the administrator, before they save a change, what the first two would
bring (org.leader_change's preview).
"""

from datetime import datetime

from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samtale.actions import handover as actions_handover
from samtale.conversations.models import Conversation
from samtale.conversations.services import handover as conversations_handover
from samtale.conversations.services.handover import Move
from samtale.org.leader_change import Consequence, preview_register
from samtale.org.models import LeaderChange, Person
from samtale.org.signals import line_manager_changed
from samtale.rounds.models import Participant

S = Conversation.Status


@receiver(line_manager_changed, sender=LeaderChange)
def line_manager_followed(sender, *, change: LeaderChange, **kwargs) -> None:
    conversations_handover.conversations_move(change=change)
    actions_handover.follow_up_ask(change=change)
    holder_follows(change=change)


def holder_follows(*, change: LeaderChange) -> None:
    """In the open rounds, the earlier line manager's place as the person's holder passes to
    the new one, and the participant follows its conversation where it moved (change.moved).
    A holder HR chose who is not the earlier line manager stays."""
    participants = Participant.objects.filter(person_id=change.person_id, round__closed_at=None)
    if change.new_manager_id is not None and change.old_manager_id is not None:
        participants.filter(holder_id=change.old_manager_id).update(holder_id=change.new_manager_id)
    for old, new in change.moved:
        for participant in participants.filter(conversation_id=old):
            participant.conversation_id = new
            participant.save(update_fields=["conversation", "updated_at"])


@preview_register
def handover_preview(*, person: Person, new_manager: Person | None) -> list[Consequence]:
    """What line_manager_followed would do if `person`'s line manager became `new_manager`:
    each open conversation's move, step by step as conversations_move will do it (the same
    plan, conversation_moves), how many open actions the employee is asked about, and the
    held conversations that stay. Times, names and counts, never what they hold."""
    old_id = person.manager_id
    if new_manager is None or old_id is None:  # nothing moves from no one, or to no one
        return []
    plan = conversations_handover.conversation_moves(
        person_id=person.pk, old_manager_id=old_id, new_manager=new_manager
    )
    old = Person.objects.get(pk=old_id)
    names = {"person": person.first_name, "old": old.full_name, "name": new_manager.full_name}
    found = [_conversation_moving(move, names) for move in plan if move.moves]
    actions = actions_handover.actions_waiting_after(
        person_id=person.pk,
        old_manager_id=old_id,
        new_manager_id=new_manager.pk,
    ).count()
    if actions:
        found.append(_actions_asked(actions, names, f"actions:{old_id}:{new_manager.pk}:{actions}"))
    if found:  # what stays is said beside what moves, never asked for alone
        found += [_conversation_staying(move, names) for move in plan if not move.moves]
    return found


def _actions_asked(actions: int, names: dict, key: str) -> Consequence:
    names = names | {"count": actions}
    return Consequence(
        before=ngettext(
            "%(count)d open action passes to %(name)s if %(person)s says so: %(person)s is asked.",
            "%(count)d open actions pass to %(name)s if %(person)s says so: %(person)s is asked.",
            actions,
        )
        % names,
        after=ngettext(
            "%(person)s is asked whether %(count)d open action passes to %(name)s.",
            "%(person)s is asked whether %(count)d open actions pass to %(name)s.",
            actions,
        )
        % names,
        key=key,
    )


def _when(at: datetime) -> str:
    return date_format(timezone.localtime(at), "d.m. H:i")


def _conversation_moving(move: Move, names: dict) -> Consequence:
    """One conversation's move, as the plan has it: the heading, and each step."""
    status = S(move.status).label
    names = names | {"what": move.what, "status": status}
    if move.scheduled_at:
        names["time"] = _when(move.scheduled_at)
        before = _("%(what)s, %(time)s (%(status)s), moves to %(name)s:") % names
        after = _("%(what)s, %(time)s, was cancelled and moved to %(name)s.") % names
    else:
        before = _("%(what)s, without a time (%(status)s), moves to %(name)s:") % names
        after = _("%(what)s, without a time, was cancelled and moved to %(name)s.") % names
    return Consequence(
        before=before, after=after, key=f"conversation:{move.key}", details=_steps(move, names)
    )


def _steps(move: Move, names: dict) -> tuple[str, ...]:
    if move.cancels_calendars:
        cancelled = _(
            "It is cancelled (%(person)s and %(old)s get the cancellation in their "
            "calendars), and a new one with %(name)s takes its place."
        )
    else:
        cancelled = _("It is cancelled, and a new one with %(name)s takes its place.")
    steps = [cancelled % names, TIMES[(move.time, move.invites)] % names]
    if move.drops_place:
        steps.append(
            _("Without its place, which %(old)s chose: %(name)s says where they meet.") % names
        )
    if move.unshares:
        steps.append(
            _(
                "%(person)s had shared their preparation with %(old)s: it comes along, private "
                "to %(person)s again, to share with %(name)s if they wish."
            )
            % names
        )
    else:
        steps.append(
            _("What %(person)s wrote to prepare comes along, still private to them.") % names
        )
    if move.new_status != move.status:
        steps.append(
            _("Its status goes from “%(old)s” to “%(new)s”.")
            % {"old": S(move.status).label, "new": S(move.new_status).label}
        )
    kept = {"minutes": move.minutes, "round": move.round}
    if move.round:
        steps.append(
            _("It keeps its template, its length (%(minutes)d minutes) and its round, %(round)s.")
            % kept
        )
    else:
        steps.append(_("It keeps its template and its length (%(minutes)d minutes).") % kept)
    return tuple(steps)


# What becomes of the time, and of the invitation, by (Move.time, Move.invites).
TIMES = {
    (conversations_handover.TIME_KEPT, True): gettext_lazy(
        "At the same time: %(name)s is free then. %(person)s gets the invitation again, and "
        "%(name)s a copy."
    ),
    (conversations_handover.TIME_KEPT, False): gettext_lazy(
        "At the same time: %(name)s is free then. It is not invited yet: %(name)s sends the "
        "invitation."
    ),
    (conversations_handover.TIME_BUSY, False): gettext_lazy(
        "Without a time: %(name)s has another conversation then, and sets a new time."
    ),
    (conversations_handover.TIME_PASSED, False): gettext_lazy(
        "Without a time: its time has passed, and %(name)s sets a new one."
    ),
    (conversations_handover.TIME_NONE, False): gettext_lazy(
        "Without a time, as now: %(name)s sets one."
    ),
}


def _conversation_staying(move: Move, names: dict) -> Consequence:
    names = names | {"what": move.what}
    if move.scheduled_at:
        names["time"] = _when(move.scheduled_at)
        text = _(
            "%(what)s, held %(time)s, stays with %(old)s until it is signed: the two who held it "
            "finish it."
        )
    else:
        text = _(
            "%(what)s, held and not yet signed, stays with %(old)s: the two who held it finish it."
        )
    return Consequence(before=text % names, after=text % names, key=f"conversation:{move.key}")
