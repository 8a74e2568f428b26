"""Fixed guidance from the municipality's guide for leaders (seed 000)."""

from django.utils.translation import gettext_lazy as _

# "Når du forbereder samtalen kan disse spørsmål være til nytte" – the leader's private checklist.
LEADER_QUESTIONS = [
    _("What do I want to achieve with this conversation? What is the goal?"),
    _("Which matters do I especially want to bring into the conversation?"),
    _("How do I assess the employee's work effort?"),
    _("What do I think motivates them?"),
    _("Which feedback shall I give? How shall I word it? Which examples shall I use?"),
    _("Does the employee have the right conditions to solve the tasks?"),
    _("What expectations do I have of the employee?"),
    _(
        "What do I see as the employee's strong and weak sides in relation to responsibilities and tasks?"
    ),
]

# "Til slutt – du må sikre at samtalen «lukkes» på en god måte"
CLOSING_STEPS = [
    (1, _("Make sure the employee has said what they had to say and wanted to raise.")),
    (
        2,
        _(
            "Summarize the main points and make sure you agree on the agreements and actions written down."
        ),
    ),
    (3, _("Ask how the employee experienced the conversation, and be open to criticism.")),
]


# The leader's share of the talk time the guide aims at: 30/70.
TALK_GOAL_LEADER_PERCENT = 30
