"""Which kind of work each background task is: the queue its messages travel in, so that a
slow archive delivery never holds up a reminder. One map, by the task's module path; a task
not in it is "default" work.

Every kind is held to a fair share per tenant (SAMTALE_WORK_FAIR_SHARE, work.engine.relay):
10,000 exports or reminders of one tenant occupy that many places in their queue, not 10,000."""

from django.conf import settings

MAIL = "mail"
CALENDARS = "calendars"
ARCHIVE = "archive"
INSIGHT = "insight"
EXPORTS = "exports"
DEFAULT = "default"

EVERY_KIND = (MAIL, CALENDARS, ARCHIVE, INSIGHT, EXPORTS, DEFAULT)

KINDS: dict[str, str] = {
    # E-mail and what makes it: reminders, invitations, digests.
    "samtale.notifications.tasks.email_send": MAIL,
    "samtale.notifications.tasks.outbox_sweep": MAIL,
    "samtale.rounds.jobs.invite_due": MAIL,
    "samtale.rounds.jobs.remind_prepare": MAIL,
    "samtale.rounds.jobs.notify_unscheduled": MAIL,
    "samtale.conversations.jobs.remind_steps": MAIL,
    "samtale.actions.jobs.action_digests": MAIL,
    # The calendar address's mailbox: answers to invitations.
    "samtale.notifications.tasks.calendar_mailbox_read": CALENDARS,
    # The personnel file: a signed form rendered, delivered, exchanged over Fiks Arkiv.
    "samtale.archive.jobs.render_signed_form": ARCHIVE,
    "samtale.archive.jobs.fiks_exchange": ARCHIVE,
    "samtale.archive.jobs.deliver_waiting": ARCHIVE,
    # The insight counts.
    "samtale.insight.jobs.count_insight": INSIGHT,
    "samtale.insight.jobs.publish_due": INSIGHT,
}


def kind_of(task_path: str) -> str:
    return KINDS.get(task_path, DEFAULT)


def paths_of(kind: str) -> list[str]:
    """The task paths of a kind other than "default" (which is every task not in the map)."""
    return [path for path, its in KINDS.items() if its == kind]


def queue_of(kind: str) -> str:
    """The broker's queue for the kind, under the installation's prefix."""
    return f"{settings.SAMTALE_WORK_QUEUE_PREFIX}{kind}"
