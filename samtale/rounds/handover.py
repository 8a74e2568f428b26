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
"""

from django.dispatch import receiver

from samtale.actions import handover as actions_handover
from samtale.conversations.services import handover as conversations_handover
from samtale.org.models import LeaderChange
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
