from samtale.actions.views.agreement import (
    action_add,
    action_carry_over,
    action_delete,
    goal_add,
    goal_delete,
    goal_serves,
)
from samtale.actions.views.follow_up import (
    action_competence,
    action_deadline,
    action_detail,
    action_drop,
    action_remind,
    action_update,
    goal_review,
    my_actions,
    overview,
    overview_person,
)
from samtale.actions.views.handover import follow_up_handover
from samtale.actions.views.pitfalls import follow_up_pitfall, pitfall_list
from samtale.actions.views.unit_goals import follow_up_goals

__all__ = [
    "action_add",
    "action_carry_over",
    "action_competence",
    "action_deadline",
    "action_delete",
    "action_detail",
    "action_drop",
    "action_remind",
    "action_update",
    "follow_up_goals",
    "follow_up_handover",
    "follow_up_pitfall",
    "goal_add",
    "goal_delete",
    "goal_review",
    "goal_serves",
    "my_actions",
    "overview",
    "overview_person",
    "pitfall_list",
]
