"""The pickers of planning a conversation (core.pickers): for whom, and who holds it."""

from samtale.core import access
from samtale.core.pickers import register
from samtale.org.pickers import of_user, people

register(
    "plan-employee",
    people(access.may_plan_conversation, of_user(access.conversation_planning_people)),
)
register("plan-leader", people(access.may_plan_conversation, of_user(access.holders_for)))
