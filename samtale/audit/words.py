"""The audit log's codes in words: kinds to search by, actions, objects, and what was read
by whom. A code without words here is shown as it is written (a new service's action)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samtale.conversations.models import Conversation

# What HR and administrators search by: an action's first part (or the whole action).
KINDS = [
    ("conversation.read", _("Reads of conversations outside the two")),
    ("download", _("Downloads and exports")),
    ("login", _("Sign-in")),
    ("logout", _("Sign-out")),
    ("person", _("People, roles and e-mail addresses")),
    ("round", _("Rounds and who holds the conversations")),
    ("calendar", _("Calendar connections")),
    ("import", _("Imports")),
    ("unit", _("Units")),
    ("conversation", _("Conversations")),
    ("preparation", _("Preparation")),
    ("note", _("Notes")),
    ("answers", _("Answers to the statements")),
    ("summary", _("Summaries and signing")),
    ("goal", _("Goals")),
    ("action", pgettext_lazy("goals and actions", "Actions")),
    ("need", _("Shared needs")),
    ("guide", _("Templates")),
    ("password_reset", _("Password reset")),
]

ACTIONS = {
    "login.succeeded": _("Signed in"),
    "login.failed": _("Failed sign-in"),
    "login.refused": _("Sign-in turned away (too many failures)"),
    "logout": _("Signed out"),
    "conversation.read": _("Read a conversation outside the two"),
    "summary.shared.read": _("Read a conversation outside the two"),
    "conversation.planned": _("Planned a conversation"),
    "conversation.scheduled": _("Set the time of a conversation"),
    "conversation.invitation_answered": _("Answered the calendar invitation"),
    "conversation.moved_to_proposal": _("Moved a conversation to the time proposed"),
    "preparation.share_all": _("Shared all of the preparation"),
    "note.share": _("Shared a note"),
    "note.unshare": _("Took back a note"),
    "answers.share": _("Shared the answers to the statements"),
    "answers.unshare": _("Took back the answers to the statements"),
    "summary.submit": _("Sent the summary for comment"),
    "summary.comment": _("Commented on the summary"),
    "summary.send_back": _("Sent the summary back"),
    "summary.approve": _("Approved the summary"),
    "summary.reopen": _("Reopened the summary"),
    "summary.sign": _("Signed"),
    "summary.correction": _("Started a correction"),
    "summary.correction.apply": _("Changed the goals in a correction"),
    "summary.correction_withdraw": _("Withdrew a correction"),
    "goal.add": _("Added a goal"),
    "goal.delete": _("Deleted a goal"),
    "goal.review": _("Rated a goal's result"),
    "action.add_after_signing": _("Added an action after signing"),
    "action.update": _("Changed an action's status"),
    "need.raise": _("Raised a shared need"),
    "need.share": _("Shared a need"),
    "need.withdraw": _("Withdrew a need"),
    "need.status": _("Changed a need's status"),
    "need.merge": _("Merged needs"),
    "person.create": _("Added a person"),
    "person.update": _("Changed a person"),
    "person.role": _("Gave or took a role"),
    "person.email": _("Changed an e-mail address"),
    "person.email.release": _("Released a held password reset"),
    "person.deactivation_held": _("Held a deactivation from the identity provider"),
    "person.deactivations_confirmed": _("Deactivated the people the identity provider asked for"),
    "person.deactivations_kept": _("Kept active the people the identity provider deactivated"),
    "password_reset.held": _("Held a password reset"),
    "password_reset.confirmed": _("The old address let a password reset through"),
    "unit.create": _("Added a unit"),
    "unit.update": _("Changed a unit"),
    "import.preview": _("Read a file to import"),
    "import.apply": _("Imported a file"),
    "import.undo": _("Undid an import"),
    "round.created": _("Created a round"),
    "round.updated": _("Changed a round"),
    "round.opened": _("Opened a round"),
    "round.closed": _("Closed a round"),
    "round.participant_added": _("Added someone to a round"),
    "round.participant_removed": _("Took someone out of a round"),
    "round.holder_set": _("Moved a conversation to another leader"),
    "round.shared": _("Shared out conversations to a leader"),
    "round.window_added": _("Added times for conversations"),
    "round.window_deleted": _("Deleted times for conversations"),
    "round.schedule_accepted": _("Accepted the proposed times"),
    "calendar.connected": _("Connected a calendar for busy times"),
    "calendar.changed": _("Changed a calendar connection"),
    "calendar.removed": _("Removed a calendar connection"),
    "guide.create": _("Created a template"),
    "guide.copy": _("Copied a template"),
    "guide.update": _("Changed a template"),
    "guide.version": _("Made a new version of a template"),
    "guide.retire": _("Retired a template"),
    "guide.restore": _("Restored a template"),
}

DOWNLOADS = {
    "needs": _("the shared needs"),
    "likert_results": _("the answers to the statements"),
    "status_analysis": _("the status analysis"),
    "leadership_feedback": _("the feedback on leadership"),
    "rating_fairness": _("the rating habits"),
}

OBJECTS = {
    "conversations.conversation": _("Conversation"),
    "org.person": _("Person"),
    "org.unit": _("Unit"),
    "org.importbatch": _("Import"),
    "rounds.round": _("Round"),
    "guides.guide": _("Template"),
    "actions.goal": _("Goal"),
    "actions.action": pgettext_lazy("goals and actions", "Action"),
    "needs.need": _("Shared need"),
}


def action_words(action: str) -> str:
    """An action in words, or as it is written if it has none."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    head, _dot, rest = action.partition(".")
    if head == "conversation" and rest in Conversation.Status.values:
        return _("Conversation: %(status)s") % {"status": Conversation.Status(rest).label}
    if head == "download":
        return _("Downloaded %(what)s") % {"what": DOWNLOADS.get(rest, rest)}
    return action


def object_words(object_type: str) -> str:
    return str(OBJECTS.get(object_type, object_type))
