from samtale.actions.views.agreement import action_add, action_delete, goal_add, goal_delete
from samtale.actions.views.follow_up import (
    action_detail,
    action_update,
    goal_review,
    my_actions,
    overview,
    overview_person,
)

__all__ = [
    "action_add",
    "action_delete",
    "action_detail",
    "action_update",
    "goal_add",
    "goal_delete",
    "goal_review",
    "my_actions",
    "overview",
    "overview_person",
]
