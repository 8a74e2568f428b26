"""Retention: how long what was written, and the records of the machinery, are kept."""

from config.settings.env import envint, envlist, envtenant
from samtale.tenancy import configurable as c

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
# How long the worker's record of a finished task is kept (work.jobs.tidy_tasks, hourly).
TASK_RESULTS_KEEP_DAYS = envint("TASK_RESULTS_KEEP_DAYS", 14)
# How long a message from outside that was set aside is remembered (core.setaside: the
# archive's answers not taken, refused mail to the calendar address; work.jobs, daily).
SAMTALE_SET_ASIDE_KEEP_DAYS = envint("SAMTALE_SET_ASIDE_KEEP_DAYS", 90)
# The records of the machinery that name people (samtale.privacy.records, the same daily
# job): the e-mail Samtale sent (to whom, its subject) and a person's earlier e-mail
# addresses go this many days after they were made; an expired session goes at once.
SAMTALE_RETAIN_RECORDS_DAYS = envtenant(
    "SAMTALE_RETAIN_RECORDS_DAYS", 90, kind=c.NUMBER, low=7, high=3650
)
# Comments on a unit's competence plan, and HR's comments on the needs shared with it, go
# this many years after the end of the plan's (the need's) year: the budget's work that
# follows is done by then. The plan's lines, the needs and their statuses stay.
SAMTALE_RETAIN_PLAN_YEARS = envtenant("SAMTALE_RETAIN_PLAN_YEARS", 3, kind=c.NUMBER, low=1, high=50)
# Backups and exports (manage.py backup, tenants backup/export): sealed with age for these
# recipients (age public keys, "age1…", comma-separated): the operator's, whose private key
# is kept away from the installation, so that a copy of the backups reads as noise. Empty:
# written in clear (a laptop; production warns, samtale.W006). `manage.py backup` deletes
# the snapshots it wrote more than SAMTALE_BACKUP_DAYS days ago from its folder, which a
# deletion certificate (tenants delete) counts on: it says until when a backup may hold what
# was deleted.
SAMTALE_BACKUP_RECIPIENTS = envlist("SAMTALE_BACKUP_RECIPIENTS", [])
SAMTALE_BACKUP_DAYS = envint("SAMTALE_BACKUP_DAYS", 14, low=1, high=3650)
