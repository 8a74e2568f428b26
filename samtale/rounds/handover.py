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
from django.utils.translation import ngettext

from samtale.actions import handover as actions_handover
from samtale.conversations.services import handover as conversations_handover
from samtale.org.leader_change import Consequence, preview_register
from samtale.org.models import LeaderChange, Person
from samtale.org.signals import line_manager_changed
from samtale.rounds.models import Participant


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
    how many open conversations move (and when they are), how many open actions the
    employee is asked about. Counts and times, never what they hold."""
    old_id = person.manager_id
    if new_manager is None or old_id is None:  # nothing moves from no one, or to no one
        return []
    moving = list(
        conversations_handover.conversations_moving(
            person_id=person.pk, old_manager_id=old_id, new_manager=new_manager
        ).values_list("pk", "scheduled_at")
    )
    actions = actions_handover.actions_waiting_after(
        person_id=person.pk,
        old_manager_id=old_id,
        new_manager_id=new_manager.pk,
    ).count()
    found = []
    if moving:
        found.append(_conversations_moving(moving, new_manager, old_id))
    if actions:
        names = {"count": actions, "person": person.first_name, "name": new_manager.full_name}
        found.append(
            Consequence(
                before=ngettext(
                    "%(count)d open action passes to %(name)s if %(person)s says so: "
                    "%(person)s is asked.",
                    "%(count)d open actions pass to %(name)s if %(person)s says so: "
                    "%(person)s is asked.",
                    actions,
                )
                % names,
                after=ngettext(
                    "%(person)s is asked whether %(count)d open action passes to %(name)s.",
                    "%(person)s is asked whether %(count)d open actions pass to %(name)s.",
                    actions,
                )
                % names,
                key=f"actions:{old_id}:{new_manager.pk}:{actions}",
            )
        )
    return found


def _conversations_moving(
    moving: list[tuple[int, datetime | None]], new_manager: Person, old_id: int
) -> Consequence:
    times = ", ".join(
        date_format(timezone.localtime(at), "d.m. H:i") if at else _("no time set")
        for _pk, at in moving
    )
    names = {"count": len(moving), "times": times, "name": new_manager.full_name}
    return Consequence(
        before=ngettext(
            "%(count)d open conversation (%(times)s) is cancelled and moved to %(name)s, "
            "who keeps its time if free then.",
            "%(count)d open conversations (%(times)s) are cancelled and moved to %(name)s, "
            "who keeps their times if free then.",
            len(moving),
        )
        % names,
        after=ngettext(
            "%(count)d open conversation was cancelled and moved to %(name)s.",
            "%(count)d open conversations were cancelled and moved to %(name)s.",
            len(moving),
        )
        % names,
        key=f"conversations:{old_id}:{new_manager.pk}:{moving!r}",
    )
