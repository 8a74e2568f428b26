"""Conversations: the routine, reminders, follow-up nudges and the figures' anonymity."""

from config.settings.env import envint, envtenant
from samtale.tenancy import configurable as c

# Follow-up: the digest lists actions due within ACTION_REMINDER_DAYS and overdue ones;
# nudges flag open actions untouched for STALE_ACTION_DAYS and a leader's talk-time
# share above TALK_SHARE_NUDGE_PERCENT (the guide's goal is 30).
ACTION_REMINDER_DAYS = envint("ACTION_REMINDER_DAYS", 7)
STALE_ACTION_DAYS = envint("STALE_ACTION_DAYS", 90)
TALK_SHARE_NUDGE_PERCENT = envint("TALK_SHARE_NUDGE_PERCENT", 45)

# The routine: every permanent employee has a signed conversation at least this often
# (months); HR is warned this many months before someone passes the limit.
SAMTALE_CONVERSATION_INTERVAL_MONTHS = envtenant(
    "SAMTALE_CONVERSATION_INTERVAL_MONTHS", 24, kind=c.NUMBER, low=1, high=120
)
SAMTALE_CONVERSATION_WARNING_MONTHS = envint("SAMTALE_CONVERSATION_WARNING_MONTHS", 2)
# Figures computed from people's answers are shown only for groups of at least this many
# who answered (samtale.insight.anonymity); never fewer than 3.
SAMTALE_MIN_GROUP = envtenant("SAMTALE_MIN_GROUP", 5, kind=c.NUMBER, low=3, high=100)
# Days before a conversation both parties are reminded to prepare (a round sets its own).
SAMTALE_REMINDER_DAYS = envint("SAMTALE_REMINDER_DAYS", 3)
# Days after a step of a conversation was handed to someone (the summary to write, to comment
# on and approve, or to sign: an e-mail at that moment) that they are reminded of it, once,
# if they have not taken it (conversations.notices.step_reminders_due). Counted after the
# hand-off, where SAMTALE_REMINDER_DAYS counts before the meeting.
SAMTALE_STEP_REMINDER_DAYS = envint("SAMTALE_STEP_REMINDER_DAYS", 3)
