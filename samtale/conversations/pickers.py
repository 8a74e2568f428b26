"""The pickers of planning a conversation (core.pickers): for whom, and who holds it."""

from samtale.conversations import policy
from samtale.core.pickers import register
from samtale.org.pickers import of_user, people
from samtale.rounds import policy as rounds_policy

register(
    "plan-employee",
    people(policy.may_plan_conversation, of_user(policy.conversation_planning_people)),
)
register("plan-leader", people(policy.may_plan_conversation, of_user(rounds_policy.holders_for)))
