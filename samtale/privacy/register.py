"""The register of personal data: every field of every model that can hold a person's data,
found from the models themselves, and the rule each one is kept by (issue 71).

A field can hold a person's data when it points at a person (a foreign key to
`org.Person`), or holds text, JSON, a file, bytes or an address that someone typed or that
was taken from a person (any text field, a character field without fixed choices, an e-mail
or IP address field). `fields()` finds them in Samtale's models and in the third-party
models that keep data about the people who sign in (allauth's, the sessions, the worker's
task records). `RULES` gives each its rule: what happens to it (deleted, blanked, kept, or
not a person's data at all), after what, and why; `tests/…/test_register.py` fails for a
field without one and for a rule naming a field that is not there. The data processing
agreement's register (docs/procurement/, `make procurement`) is made from the same rules,
so what it says is not deleted is what this says.

A rule that says KEPT is a finding as much as a rule: the data stays as long as the
municipality's database does, and the rule says why (the audit log's reason stands)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

DELETED = "deleted"  # the row, or the field's content, goes by the rule
BLANKED = "blanked"  # the text is emptied, the row stays
KEPT = "kept"  # stays as long as the database does
NOT_PERSONAL = "not personal"  # holds no person's data: a code, a name of a thing, a digest
KINDS = (DELETED, BLANKED, KEPT, NOT_PERSONAL)

# The third-party models that keep data about people: allauth's addresses, second factors
# and provider accounts, Django's sessions, and the worker's records of tasks.
THIRD_PARTY = (
    "account.EmailAddress",
    "account.EmailConfirmation",
    "mfa.Authenticator",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
    "socialaccount.SocialApp",
    "sessions.Session",
    "django_tasks_database.DBTaskResult",
)
PERSON = "org.Person"


@dataclass(frozen=True)
class Rule:
    kind: str  # DELETED, BLANKED, KEPT or NOT_PERSONAL
    when: str  # after what, and how long ("" for KEPT and NOT_PERSONAL)
    why: str  # why it is kept that long, or why it is not a person's data
    by: str = ""  # the code that deletes or blanks it (a module), for DELETED and BLANKED


def _personal(field: Any) -> bool:
    if not getattr(field, "concrete", False) or field.primary_key:
        return False
    if isinstance(field, models.ForeignKey | models.ManyToManyField):
        return field.related_model is not None and field.related_model._meta.label == PERSON
    if isinstance(
        field,
        models.TextField
        | models.JSONField
        | models.FileField
        | models.GenericIPAddressField
        | models.EmailField
        | models.BinaryField,
    ):
        return True
    return isinstance(field, models.CharField) and not field.choices


def fields() -> dict[str, list[str]]:
    """Each model that can hold a person's data ("app.Model") and those of its fields."""
    found = {}
    for model in apps.get_models():
        label = model._meta.label
        if not (model.__module__.startswith("samtale.") or label in THIRD_PARTY):
            continue
        names = [f.name for f in model._meta.get_fields() if _personal(f)]
        if names:
            found[label] = names
    return found


def rule_for(label: str, name: str) -> Rule | None:
    """The field's own rule, else its model's."""
    rules = RULES.get(label)
    if isinstance(rules, Rule):
        return rules
    if rules is None:
        return None
    return rules.get(name) or rules.get("*")


def register() -> list[tuple[str, str, Rule | None]]:
    """(model, field, rule) for every field that can hold a person's data."""
    return [
        (label, name, rule_for(label, name))
        for label, names in sorted(fields().items())
        for name in names
    ]


# The rules ------------------------------------------------------------------------------

NOTES = "SAMTALE_RETAIN_NOTES_MONTHS after the conversation was signed"
LEAVERS = "SAMTALE_RETAIN_LEAVERS_YEARS after the employee left"
RETENTION = "samtale.privacy.retention"
RECORDS = "samtale.privacy.records"
WITH_CONVERSATION = Rule(
    KEPT,
    "",
    "who took part, and when: the record of the conversation the signed form in the "
    "personnel file refers to, and what the figures count (the texts go by their own rules)",
)
THE_PERSON = Rule(
    KEPT,
    "",
    "the person record of an employee, also after they left: the conversations they held as "
    "a leader are their employees' and name them, as their own conversations' dates, the "
    "figures' counts and the audit log do; what they wrote goes by its own rules",
)
WHO_DID_IT = Rule(
    KEPT,
    "",
    "who did it: the record of a change names who made it, as the audit log does",
)
CODE = Rule(NOT_PERSONAL, "", "a key or a code of the product's own, never typed by a person")
LEAVER_TEXT = Rule(BLANKED, LEAVERS, "written in the conversation: the employee's", RETENTION)
PLANS = "SAMTALE_RETAIN_PLAN_YEARS after the end of the plan's year"

RULES: dict[str, Rule | dict[str, Rule]] = {
    # Signing in ------------------------------------------------------------------------
    "accounts.FailedLogin": Rule(
        DELETED,
        "a day after the failure",
        "to slow down password guessing; older failures have no more effect",
        "samtale.accounts.services",
    ),
    "accounts.LoginThrottle": Rule(
        DELETED,
        "30 days after its last failure (a day, if it failed only a few times), or at the "
        "next successful sign-in",
        "to slow down password guessing on one address",
        "samtale.accounts.services",
    ),
    "accounts.ResetRequest": Rule(
        DELETED,
        "a day after the request",
        "to limit password reset requests per address",
        "samtale.accounts.services",
    ),
    "account.EmailAddress": Rule(
        KEPT, "", "the person's sign-in address, as allauth keeps it beside the person record"
    ),
    "account.EmailConfirmation": CODE,
    "mfa.Authenticator": Rule(
        KEPT,
        "",
        "the person's second factor (an app's secret, a passkey, recovery codes), until they "
        "remove it",
    ),
    "socialaccount.SocialAccount": Rule(
        DELETED,
        "the day after the person is no longer active",
        "the link to the person's account at the municipality's identity provider, with the "
        "claims it last gave: only those Samtale reads are kept (the address, the second "
        "factor, the claim it links by), replaced at every sign-in",
        RECORDS,
    ),
    "socialaccount.SocialToken": Rule(
        NOT_PERSONAL, "", "not stored: Samtale asks the provider for no token it keeps"
    ),
    "socialaccount.SocialApp": Rule(
        NOT_PERSONAL, "", "the municipality's identity provider's registration"
    ),
    "sessions.Session": Rule(
        DELETED,
        "when it has expired (SESSION_IDLE_MINUTES without a request, SESSION_MAX_HOURS at most)",
        "a signed-in session: who, since when, from which device",
        RECORDS,
    ),
    "django_tasks_database.DBTaskResult": Rule(
        DELETED,
        "TASK_RESULTS_KEEP_DAYS after the task finished",
        "the worker's record of a task (its arguments are ids, never texts)",
        "samtale.work.jobs",
    ),
    "api.ApiToken": {
        "person": WHO_DID_IT,
        "revoked_by": WHO_DID_IT,
        "name": Rule(KEPT, "", "the name its owner gave the key; kept with the key"),
        "prefix": CODE,
        "digest": CODE,
        "scopes": CODE,
    },
    # The organization -----------------------------------------------------------------
    "org.Person": {
        "*": THE_PERSON,
        "password": Rule(KEPT, "", "the password's Argon2 hash, never the password"),
        "national_id": Rule(
            BLANKED,
            f"{LEAVERS}, once no signed form of theirs waits for the personnel file",
            "only where the archive classifies personnel files by it",
            RECORDS,
        ),
        "notices_off": Rule(NOT_PERSONAL, "", "the kinds of notice the person turned off"),
    },
    "org.Unit": Rule(NOT_PERSONAL, "", "a unit's code and name"),
    "org.RoleChange": WHO_DID_IT,
    "org.LeaderChange": {
        "*": WHO_DID_IT,
        "moved": Rule(
            KEPT, "", "which conversations and actions a change of line manager moved (ids)"
        ),
    },
    "org.ProviderDeactivation": WHO_DID_IT,
    "org.EmailChange": Rule(
        DELETED,
        "SAMTALE_RETAIN_RECORDS_DAYS after the change",
        "a person's earlier address, and who changed it: needed while the old address may "
        "confirm a password reset (SAMTALE_EMAIL_CHANGE_HOLD_HOURS) and the notice to it is sent",
        RECORDS,
    ),
    "org.ImportBatch": {
        "*": WHO_DID_IT,
        "filename": Rule(KEPT, "", "the name of the file an administrator imported"),
        "content": Rule(
            DELETED,
            "24 hours after it was uploaded",
            "the uploaded file, needed only while it is checked and imported",
            "samtale.org.imports.services",
        ),
        "report": Rule(KEPT, "", "what the import changed, counted, and its problems by row"),
        "undo": Rule(
            BLANKED,
            "UNDO_DAYS after the import was applied, when it can no longer be undone",
            "the values before and after the import, to undo it (national identity numbers "
            "among them where the archive uses them)",
            RECORDS,
        ),
    },
    # Conversations ---------------------------------------------------------------------
    "conversations.Conversation": {
        "*": WITH_CONVERSATION,
        "place": Rule(KEPT, "", "where it was held (a room, an address, a video link)"),
        "status_before_postponement": CODE,
        "covered_themes": CODE,
        "closing_steps": CODE,
        "counted_as": CODE,
    },
    "conversations.StatusChange": {
        "*": WITH_CONVERSATION,
        "from_status": CODE,
        "reason": LEAVER_TEXT,
    },
    "conversations.Preparation": {
        "author": WITH_CONVERSATION,
        "checklist": Rule(
            BLANKED, f"{NOTES}, or {LEAVERS}", "the leader's checklist for the meeting", RETENTION
        ),
    },
    "conversations.Note": {
        "theme_key": CODE,
        "text": Rule(
            DELETED,
            f"{NOTES}; of one that ended without a signature, that long after it was "
            f"cancelled, or held if never signed; or {LEAVERS}",
            "a preparation note: needed until the conversation is summed up and signed",
            RETENTION,
        ),
    },
    "conversations.SummaryRevision": {
        "proposed_by": WITH_CONVERSATION,
        "withdrawn_by": WITH_CONVERSATION,
        "*": LEAVER_TEXT,
    },
    "conversations.SummaryComment": {"author": WITH_CONVERSATION, "text": LEAVER_TEXT},
    "conversations.SummaryShare": {
        "reader": Rule(
            KEPT, "", "who outside the conversation read the shared conclusion, for the employee"
        )
    },
    "conversations.Feedback": {"comment": LEAVER_TEXT, "counted_as": CODE},
    "conversations.LikertAnswer": Rule(
        DELETED,
        LEAVERS + ", once the figures of its period are published",
        "an answer to a statement: counted in the published figures, which stay",
        RETENTION,
    ),
    "conversations.LeadershipAnswer": Rule(
        DELETED,
        LEAVERS + ", once the figures of its period are published",
        "an answer about the leader: counted in the published figures, which stay",
        RETENTION,
    ),
    "conversations.TimeProposal": {
        "message": Rule(
            BLANKED,
            f"with the conversation's notes ({NOTES}, or as long after it ended unsigned), "
            f"or {LEAVERS}",
            "the message sent with a proposed new time",
            RETENTION,
        )
    },
    # Follow-up -------------------------------------------------------------------------
    "actions.Goal": {
        "created_by": WITH_CONVERSATION,
        "counted_as": CODE,
        "*": LEAVER_TEXT,
    },
    "actions.Action": {"text": LEAVER_TEXT, "*": WITH_CONVERSATION},
    "actions.ActionUpdate": {"comment": LEAVER_TEXT, "*": WITH_CONVERSATION},
    "needs.RaisedNeed": {"raised_by": WITH_CONVERSATION, "text": LEAVER_TEXT},
    "needs.Need": Rule(
        KEPT, "", "a need shared with HR, in its own words (the raised need's text goes)"
    ),
    "needs.NeedChange": {
        "by": WHO_DID_IT,
        "comment": Rule(
            BLANKED, PLANS.replace("plan's", "need's"), "HR's comment on a shared need", RECORDS
        ),
    },
    "competence.PlanLine": {
        "updated_by": WHO_DID_IT,
        "note": Rule(KEPT, "", "a unit's competence plan's note"),
    },
    "competence.PlanComment": Rule(
        DELETED,
        PLANS,
        "a comment on a unit's competence plan, and who wrote it: for the plan's year and the "
        "budget's work after it",
        RECORDS,
    ),
    "priorities.Priority": Rule(KEPT, "", "a unit's goal, and who set it"),
    "guides.Guide": Rule(KEPT, "", "a conversation guide, and who made it"),
    "guides.GuideVersion": Rule(KEPT, "", "a version of a guide, its themes, and who made it"),
    # Rounds ----------------------------------------------------------------------------
    "rounds.Round": Rule(KEPT, "", "a round of conversations, and who made it"),
    "rounds.Participant": {
        "*": WITH_CONVERSATION,
        "removed_reason": Rule(KEPT, "", "why someone was taken out of a round"),
        "conversation_status": CODE,
    },
    "rounds.Window": Rule(KEPT, "", "a leader's times offered for conversations, and where"),
    "rounds.LeaderReminder": WHO_DID_IT,
    "rounds.RoundCount": CODE,
    # Insight ---------------------------------------------------------------------------
    "insight.LeadershipSnapshot": Rule(
        KEPT, "", "a leader's published figures from the answers about them (never an answer)"
    ),
    "insight.Publication": Rule(
        NOT_PERSONAL, "", "a published period's tree of groups and its proof: counts only"
    ),
    "insight.PublishedFigure": Rule(
        NOT_PERSONAL, "", "a published figure for a group of k or more"
    ),
    "insight.Tally": Rule(NOT_PERSONAL, "", "counts kept up to date for the figures"),
    # The signed form and the archive -------------------------------------------------
    "archive.SignedForm": Rule(
        DELETED,
        LEAVERS + ", once it has reached the personnel file",
        "the signed follow-up form and its PDF: the personnel file holds the record",
        RETENTION,
    ),
    "archive.Delivery": {
        "delivered_by": WHO_DID_IT,
        "error": Rule(KEPT, "", "why a delivery to the archive failed (never the form's text)"),
        "*": CODE,
    },
    # E-mail and calendars --------------------------------------------------------------
    "notifications.OutboundEmail": {
        "*": Rule(
            DELETED,
            "SAMTALE_RETAIN_RECORDS_DAYS after it was made (never while it is still to be sent)",
            "a message Samtale sent: to whom (the person and the address), its subject "
            "(which may name the other party) and its state, for the outbox and reminders",
            RECORDS,
        ),
        "kind": CODE,
        "ref": CODE,
        "dedupe_key": CODE,
        "message_id": CODE,
    },
    "notifications.MailboxMark": Rule(
        NOT_PERSONAL, "", "how far the calendar mailbox has been read"
    ),
    "calendars.CalendarConnection": Rule(
        DELETED,
        "when the person removes it, or an administrator does",
        "where Samtale asks for the person's busy times (the password encrypted)",
        "samtale.calendars.services",
    ),
    # Privacy ---------------------------------------------------------------------------
    "privacy.AccessCopy": {
        "*": WHO_DID_IT,
        "note": Rule(KEPT, "", "HR's note on a copy of a person's data it made for them"),
        "address": Rule(
            KEPT, "", "where the copy's link was sent; the link itself lasts LINK_DAYS"
        ),
        "token_hash": CODE,
        "code_hash": CODE,
    },
    "privacy.LegalHold": {
        "*": WHO_DID_IT,
        "reason": Rule(
            BLANKED,
            "SAMTALE_RETAIN_LEAVERS_YEARS after the hold was released",
            "why HR put a person's data on hold (who, and when, stay)",
            RECORDS,
        ),
    },
    "privacy.RetentionRun": Rule(
        NOT_PERSONAL, "", "what a run of the retention job deleted, counted"
    ),
    # The platform ----------------------------------------------------------------------
    "core.AuditEntry": Rule(
        KEPT,
        "",
        "the audit log: who did what to which record, when and from where, never the "
        "content; it cannot be changed or deleted, so that it can be trusted afterwards",
    ),
    "core.SetAsideMessage": Rule(
        DELETED,
        "SAMTALE_SET_ASIDE_KEEP_DAYS after it was set aside",
        "a message from outside that was not taken (an archive's answer, mail to the "
        "calendar address): why, and where it came from",
        "samtale.core.setaside",
    ),
    "work.Dispatch": CODE,
    "work.JobRun": CODE,
    "core.ProcessBeat": CODE,
    "core.TenantHealth": CODE,
    "tenancy.Registration": Rule(
        NOT_PERSONAL, "", "a municipality in the register, and its settings"
    ),
    "tenancy.Host": Rule(NOT_PERSONAL, "", "a municipality's host name"),
    "tenancy.Operator": Rule(KEPT, "", "an operator's sign-in name and password hash"),
    "tenants.OperatorFailure": Rule(
        DELETED,
        "a day after the failure",
        "to slow down password guessing on the operators' page",
        "samtale.operators.operators",
    ),
    "tenants.SignInAttempts": Rule(
        DELETED,
        "a day after the window",
        "to slow down password guessing on the operators' page",
        "samtale.operators.operators",
    ),
}
