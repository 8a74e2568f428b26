"""Retention: how long what was written, and the records of the machinery, are kept."""

from config.settings.env import envint, envtenant
from samtale.core import configurable as c

# Retention (samtale.privacy): a daily job deletes what the policy says is due, after the
# signed form has reached the personnel file, and never what HR has put on legal hold.
# Preparation notes (and the leader's checklist) go this many months after the conversation
# was signed; all that was written in the conversations of someone who has left goes this
# many years after they left (their end date, else the day they were deactivated). The
# conversations' dates and statuses, and every count and anonymous figure, stay.
SAMTALE_RETAIN_NOTES_MONTHS = envtenant(
    "SAMTALE_RETAIN_NOTES_MONTHS", 12, kind=c.NUMBER, low=1, high=600
)
SAMTALE_RETAIN_LEAVERS_YEARS = envtenant(
    "SAMTALE_RETAIN_LEAVERS_YEARS", 3, kind=c.NUMBER, low=1, high=50
)
# How long the worker's record of a finished task is kept (core.jobs.tidy_tasks, hourly).
TASK_RESULTS_KEEP_DAYS = envint("TASK_RESULTS_KEEP_DAYS", 14)
# How long a message from outside that was set aside is remembered (core.setaside: the
# archive's answers not taken, refused mail to the calendar address; core.jobs, daily).
SAMTALE_SET_ASIDE_KEEP_DAYS = envint("SAMTALE_SET_ASIDE_KEEP_DAYS", 90)
# The records of the machinery that name people (samtale.privacy.records, the same daily
# job): the e-mail Samtale sent (to whom, its subject) and a person's earlier e-mail
# addresses go this many days after they were made; an expired session goes at once.
SAMTALE_RETAIN_RECORDS_DAYS = envtenant(
    "SAMTALE_RETAIN_RECORDS_DAYS", 90, kind=c.NUMBER, low=7, high=3650
)
