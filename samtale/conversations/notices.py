"""Step notices: tell the other party that a step of the conversation waits for them.

One e-mail per step, through the outbox, each at most once (the dedupe key names the
step, the conversation and the event), with a link and never any content: the mail
names the step, the other party and the conversation's date, nothing they wrote.

The kinds:

- ``preparation_shared``: the employee shared (some of) their preparation.
- ``summary_submitted``: the summary is ready for the reviewer to read.
- ``summary_sent_back``: the reviewer sent the draft back to the drafter.
- ``summary_approved``: the summary is approved and ready for you to sign. "Approved"
  and "ready to sign" are ONE notice, not two: approving is what makes it signable.
- ``summary_signed``: the other party signed; your signature is missing.
- ``correction_proposed``: a correction of the signed summary was proposed.
- ``invitation_answered``: the employee declined the calendar invitation or proposed a
  new time (conversations.services.replies), to the leader.

A person turns a kind off in their profile (``Person.notices_off``, a list of kinds);
the daily digest and calendar invitations are not affected. The message is queued in
the caller's transaction (the outbox sends it after commit), and the builder asks
core.access again when it is sent: a recipient who is no longer a party, or whose step
is no longer waiting for them, gets nothing.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samtale.conversations import policy
from samtale.conversations.models import Conversation
from samtale.core import access
from samtale.core.access import require
from samtale.core.errors import DomainError
from samtale.notifications.outbox import Built, builder, email_queue
from samtale.org.models import Person

KINDS = (
    "preparation_shared",
    "summary_submitted",
    "summary_sent_back",
    "summary_approved",
    "summary_signed",
    "correction_proposed",
    "invitation_answered",
)

# The profile's labels: when a person gets each notice, in plain words.
LABELS = {
    "preparation_shared": _("When the employee has shared their preparation"),
    "summary_submitted": _("When the summary is ready for me to read"),
    "summary_sent_back": _("When my draft of the summary is sent back to me"),
    "summary_approved": _("When the summary is approved and ready for me to sign"),
    "summary_signed": _("When the other party has signed and my signature is missing"),
    "correction_proposed": _("When a correction of the signed summary is proposed"),
    "invitation_answered": _(
        "When the employee declines the calendar invitation or proposes a new time"
    ),
}

# Sent only to the leader who holds a conversation.
LEADERS_ONLY = ("preparation_shared", "invitation_answered")


def kinds_for(person: Person) -> tuple[str, ...]:
    """The kinds that can reach `person`: the profile offers only these. A leader's
    kinds are for whoever leads someone or holds a conversation as its leader."""
    leads = (
        access.roles_for(person).is_leader or Conversation.objects.filter(leader=person).exists()
    )
    return tuple(kind for kind in KINDS if leads or kind not in LEADERS_ONLY)


# The outbox's kind for every step notice; the step itself is in ref["step"].
def person_notices_set(*, actor: Person, person: Person, off: list[str]) -> None:
    """Turn step notices off (or back on) per kind; only for oneself. The daily digest
    and calendar invitations are not step notices and always go out."""
    require(actor.pk == person.pk)
    if not set(off) <= set(KINDS):
        raise DomainError(gettext("Choose among the notices in the list."), field="on")
    person.notices_off = [kind for kind in KINDS if kind in off]
    Person.objects.filter(pk=person.pk).update(notices_off=person.notices_off)


OUTBOX_KIND = "step_notice"


def step_notice(*, conversation: Conversation, kind: str, to, event) -> None:
    """Queue one notice of `kind` to `to` (a Person), once per `event`.

    `event` tells this occurrence of the step from the next one (e.g. a revision's
    number and when it was submitted): the same event never sends twice. Nothing is
    queued when `to` is inactive or has turned this kind off.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown step notice {kind!r}")
    if to is None or conversation.party(to) is None:
        return
    # As stored now, not as the caller's copy of the person says.
    current = Person.objects.filter(pk=to.pk, is_active=True).values("notices_off").first()
    if current is None or kind in (current["notices_off"] or []):
        return
    email_queue(
        to=to,
        kind=OUTBOX_KIND,
        ref={"conversation": conversation.pk, "step": kind},
        dedupe_key=f"step:{kind}:{conversation.pk}:{event}",
    )


def _waiting(person, conversation: Conversation, kind: str) -> bool:
    """Whether the step still waits for `person`, asked of core.access when it is sent."""
    party = conversation.party(person)
    if kind == "invitation_answered":
        return party == "leader" and _answered(person, conversation) is not None
    if kind == "preparation_shared":
        return (
            party == "leader"
            and policy.notes_visible_to(person, conversation)
            .filter(preparation__author_id=conversation.employee_id)
            .exists()
        )
    # A withdrawn correction waits for nobody: the revision before it is in force again.
    summary = conversation.summaries.filter(withdrawn_at__isnull=True).order_by("-number").first()
    if (
        summary is None
        or summary.is_signed
        or not policy.may_see_summary(person, conversation, summary)
    ):
        # A correction's draft is the drafter's until sent; its notice is about the proposal.
        return kind == "correction_proposed" and _correction_open(person, summary)
    mine = getattr(summary, f"{party}_signed_at")
    theirs = getattr(summary, f"{'leader' if party == 'employee' else 'employee'}_signed_at")
    match kind:
        case "summary_submitted":
            return policy.may_review_summary(person, conversation) and summary.approved_at is None
        case "summary_sent_back":
            return policy.may_draft_summary(person, conversation) and summary.submitted_at is None
        case "summary_approved":
            return summary.approved_at is not None and mine is None
        case "summary_signed":
            return summary.approved_at is not None and mine is None and theirs is not None
        case "correction_proposed":
            return _correction_open(person, summary)
    return False


def _correction_open(person, summary) -> bool:
    return (
        summary is not None
        and summary.number > 1
        and not summary.is_signed
        and summary.proposed_by_id != person.pk
    )


def _answered(person, conversation: Conversation):
    """The employee's answer to the invitation now out, where it declines or proposes a new
    time and the conversation still waits for answers; else None."""
    if conversation.status not in (Conversation.Status.INVITED, Conversation.Status.PREPARED):
        return None
    return (
        policy.invitation_answers_visible_to(person, conversation)
        .filter(party="employee")
        .filter(Q(answer="declined") | Q(proposed_start__isnull=False))
        .first()
    )


def _path(conversation: Conversation, kind: str) -> str:
    if kind == "invitation_answered":
        return reverse("conversation_detail", args=[conversation.pk])
    if kind == "preparation_shared":
        return reverse("preparation", args=[conversation.pk])
    return reverse("summary", args=[conversation.pk])


@builder(OUTBOX_KIND)
def step_notice_mail(message) -> Built | None:
    """The notice as sent, or None (skipped) when the recipient may no longer act on it.

    Names the step, the other party and the conversation's date, with a link: no text
    anyone wrote in the conversation.
    """
    kind = message.ref.get("step")
    person = message.to
    if kind not in KINDS or kind in (person.notices_off or []):
        return None
    conversation = (
        policy.conversations_visible_to(person)
        .select_related("employee", "leader")
        .exclude(status=Conversation.Status.CANCELLED)
        .filter(pk=message.ref.get("conversation"))
        .first()
    )
    if conversation is None or not _waiting(person, conversation, kind):
        return None
    is_leader = conversation.party(person) == "leader"
    return Built(
        template="conversations/email/step_notice",
        context={
            "kind": kind,
            "person": person,
            "other": conversation.employee if is_leader else conversation.leader,
            "date": conversation.held_or_planned_at,
            "answer": _answered(person, conversation) if kind == "invitation_answered" else None,
            "path": _path(conversation, kind),
            "profile_path": reverse("profile"),
        },
    )
