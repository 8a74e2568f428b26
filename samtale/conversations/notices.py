"""Step notices: tell the other party that a step of the conversation waits for them.

One e-mail per step, through the outbox, each at most once (the dedupe key names the
step, the conversation and the event), with a link and never any content: the mail
names the step, the other party and the conversation's date, nothing they wrote.

The kinds:

- ``preparation_shared``: the employee shared (some of) their preparation.
- ``summary_to_write``: the meeting is closed; the summary is the drafter's to write.
- ``summary_submitted``: the summary is ready for the reviewer to read.
- ``summary_sent_back``: the reviewer sent the draft back to the drafter.
- ``summary_approved``: the summary is approved and ready for you to sign. "Approved"
  and "ready to sign" are ONE notice, not two: approving is what makes it signable.
- ``summary_signed``: the other party signed; your signature is missing.
- ``follow_up``: the other party signed last, so you have both signed: now the goals and
  actions agreed are followed up.
- ``correction_proposed``: a correction of the signed summary was proposed.
- ``invitation_answered``: the employee declined the calendar invitation or proposed a
  new time (conversations.services.replies), to the leader.
- ``time_proposed``: the other party proposes other times in the app
  (conversations.services.proposals): the employee's to the leader, the leader's answer
  back to the employee. It names how many times, never the message.

The notices that hand a step over (HANDOFFS) link the page where the recipient acts, as
next_steps.conversation_next_step names it, and are sent only while that step is theirs;
one that still waits SAMTALE_STEP_REMINDER_DAYS later is sent once more as a reminder
(`step_reminders_due`, run daily by conversations.jobs).

A person turns a kind off in their profile (``Person.notices_off``, a list of kinds);
the daily digest and calendar invitations are not affected. The message is queued in
the caller's transaction (the outbox sends it after commit), and the builder asks
core.access again when it is sent: a recipient who is no longer a party, or whose step
is no longer waiting for them, gets nothing.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samtale.conversations import next_steps, policy
from samtale.conversations.models import Conversation
from samtale.core import access
from samtale.core.access import require
from samtale.core.errors import DomainError
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import Built, builder, email_queue
from samtale.org.models import Person

KINDS = (
    "preparation_shared",
    "summary_to_write",
    "summary_submitted",
    "summary_sent_back",
    "summary_approved",
    "summary_signed",
    "follow_up",
    "correction_proposed",
    "invitation_answered",
    "time_proposed",
    # The follow-up of what was agreed, to the employee (samtale.actions.emails.action_notice
    # queues them, not step_notice): the leader's comment or new deadline on an action, and a reminder.
    "action_comment",
    "action_reminder",
)

# The profile's labels: when a person gets each notice, in plain words.
LABELS = {
    "preparation_shared": _("When the employee has shared their preparation"),
    "summary_to_write": _("When the meeting is closed and the summary is mine to write"),
    "summary_submitted": _("When the summary is ready for me to read"),
    "summary_sent_back": _("When my draft of the summary is sent back to me"),
    "summary_approved": _("When the summary is approved and ready for me to sign"),
    "summary_signed": _("When the other party has signed and my signature is missing"),
    "follow_up": _("When the summary is signed by both and the agreed actions are followed up"),
    "correction_proposed": _("When a correction of the signed summary is proposed"),
    "invitation_answered": _(
        "When the employee declines the calendar invitation or proposes a new time"
    ),
    "time_proposed": _("When the other party proposes other times for our conversation"),
    "action_comment": _("When my leader comments on one of my actions or gives it a new deadline"),
    "action_reminder": _("When my leader reminds me of one of my actions"),
}

# Sent only to the leader who holds a conversation.
LEADERS_ONLY = ("preparation_shared", "invitation_answered")

# The notices that hand a step over to their recipient: the step that must then be theirs
# (next_steps.conversation_next_step), and so the page they act on.
HANDOFFS = {
    "summary_to_write": next_steps.WRITE_SUMMARY,
    "summary_sent_back": next_steps.WRITE_SUMMARY,
    "summary_submitted": next_steps.REVIEW_SUMMARY,
    "summary_approved": next_steps.SIGN,
    "summary_signed": next_steps.SIGN,
    "follow_up": next_steps.FOLLOW_UP,
}
# Reminded once if the step still waits for them some days later (not following up: that
# has the actions' own reminders before and after their deadlines).
REMINDED = tuple(kind for kind, step in HANDOFFS.items() if step != next_steps.FOLLOW_UP)


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
    """Whether a notice that hands no step over (not in HANDOFFS) still concerns `person`,
    asked of core.access when it is sent."""
    party = conversation.party(person)
    if kind == "invitation_answered":
        return party == "leader" and _answered(person, conversation) is not None
    if kind == "time_proposed":
        return _proposed_to(person, conversation) is not None
    if kind == "preparation_shared":
        return (
            party == "leader"
            and policy.notes_visible_to(person, conversation)
            .filter(preparation__author_id=conversation.employee_id)
            .exists()
        )
    if kind == "correction_proposed":
        # A withdrawn correction waits for nobody: the revision before it is in force again.
        summary = (
            conversation.summaries.filter(withdrawn_at__isnull=True).order_by("-number").first()
        )
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


def _proposed_to(person, conversation: Conversation):
    """The other party's open proposal of other times, to `person`; else None."""
    return (
        policy.time_proposals_visible_to(person, conversation)
        .exclude(party=conversation.party(person))
        .first()
    )


def _path(conversation: Conversation, kind: str) -> str:
    if kind in ("invitation_answered", "time_proposed"):
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
    if conversation is None:
        return None
    if kind in HANDOFFS:
        # Only while the step is theirs, and to the page where they take it.
        step = next_steps.conversation_next_step(conversation, person)
        if not (step.mine and step.step == HANDOFFS[kind]):
            return None
        path = step.url
    elif _waiting(person, conversation, kind):
        path = _path(conversation, kind)
    else:
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
            "proposal": _proposed_to(person, conversation) if kind == "time_proposed" else None,
            "path": path,
            "profile_path": reverse("profile"),
            "reminder": bool(message.ref.get("reminder")),
        },
    )


# How far past SAMTALE_STEP_REMINDER_DAYS the reminders look back: a scheduler that was
# down for some days still sends what it missed, and the outbox read stays a few days long.
REMINDER_CATCH_UP_DAYS = 7


def step_reminders_due(*, now: datetime | None = None) -> int:
    """Remind each person, once, of a step handed to them SAMTALE_STEP_REMINDER_DAYS ago
    (or a few days more) that is still theirs to take; returns how many were queued.

    The hand-off notices are the record of when a step became someone's: the last days'
    are read in one query over the outbox (kind and time), reminders sent included, and of
    a person's in one conversation only the latest counts (a later hand-off starts the wait
    anew). Their conversations come in one more query, and the step is asked of
    next_steps.conversation_next_step, so a person who has acted is not reminded. A person
    who turned a kind off gets neither the notice nor its reminder."""
    now = now or timezone.now()
    due_by = now - timedelta(days=settings.SAMTALE_STEP_REMINDER_DAYS)
    rows = OutboundEmail.objects.filter(
        kind=OUTBOX_KIND, created_at__gte=due_by - timedelta(days=REMINDER_CATCH_UP_DAYS)
    ).values_list("pk", "to_id", "ref", "created_at", "status")
    latest, reminded = {}, set()
    for pk, to_id, ref, created_at, status in sorted(rows, key=lambda row: (row[3], row[0])):
        if ref.get("reminder"):
            reminded.add(ref["reminder"])
        elif ref.get("step") in HANDOFFS:
            latest[(to_id, ref.get("conversation"))] = (pk, ref["step"], created_at, status)
    due = {
        key: (pk, kind)
        for key, (pk, kind, created_at, status) in latest.items()
        if kind in REMINDED
        and created_at <= due_by
        and status == OutboundEmail.Status.SENT
        and pk not in reminded
    }
    conversations = next_steps.with_current_revision(
        Conversation.objects.exclude(status=Conversation.Status.CANCELLED).filter(
            pk__in={conversation_id for _to, conversation_id in due}
        )
    )
    by_pk = {conversation.pk: conversation for conversation in conversations}
    today, queued = timezone.localdate(now), 0
    for (to_id, conversation_id), (notice_pk, kind) in due.items():
        person = _party(by_pk.get(conversation_id), to_id)
        if person is None or not person.is_active or kind in (person.notices_off or []):
            continue
        step = next_steps.conversation_next_step(by_pk[conversation_id], person, today=today)
        if not (step.mine and step.step == HANDOFFS[kind]):
            continue
        message = email_queue(
            to=person,
            kind=OUTBOX_KIND,
            ref={"conversation": conversation_id, "step": kind, "reminder": notice_pk},
            dedupe_key=f"step-reminder:{notice_pk}",
        )
        queued += message is not None
    return queued


def _party(conversation: Conversation | None, person_id: int) -> Person | None:
    """The conversation's party with this id (loaded with it), or None."""
    if conversation is None:
        return None
    if person_id == conversation.employee_id:
        return conversation.employee
    return conversation.leader if person_id == conversation.leader_id else None
