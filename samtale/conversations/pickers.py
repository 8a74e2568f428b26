"""The picker of planning a conversation (core.pickers): for whom (who holds it:
rounds.pickers, "plan-leader")."""

from samtale.conversations import policy
from samtale.core.pickers import register
from samtale.org.pickers import of_user, people

register(
    "plan-employee",
    people(policy.may_plan_conversation, of_user(policy.conversation_planning_people)),
)
