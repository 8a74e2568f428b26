from samtale.rounds.views.chase import round_remind
from samtale.rounds.views.participants import (
    participant_add,
    participant_holder,
    participant_remove,
    round_share,
)
from samtale.rounds.views.rounds import (
    round_close,
    round_coverage,
    round_create,
    round_detail,
    round_edit,
    round_list,
    round_progress,
)
from samtale.rounds.views.schedule import (
    round_schedule,
    schedule_accept,
    window_add,
    window_delete,
)

__all__ = [
    "participant_add",
    "participant_holder",
    "participant_remove",
    "round_close",
    "round_coverage",
    "round_create",
    "round_detail",
    "round_edit",
    "round_list",
    "round_progress",
    "round_remind",
    "round_schedule",
    "round_share",
    "schedule_accept",
    "window_add",
    "window_delete",
]
