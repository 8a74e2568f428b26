"""Answers to the calendar invitation, as the parties' mail programs send them back.

Samtale's calendar address organizes every conversation's event (notifications.ics), so
when the employee or the leader presses Accept, Decline or Propose a new time, their mail
program sends an iMIP REPLY or COUNTER there. notifications.inbox reads that mail (an IMAP
mailbox, or a webhook) and hands each answer to `invitation_answer_receive`, which keeps
the latest answer of each party (InvitationAnswer). The rules, each logged when it turns
an answer away:

- the UID is ours and names a conversation that exists;
- the answer's ATTENDEE is one of the two parties, and the e-mail's From is that
  attendee's address (anyone can put a party's address in a calendar; what they cannot
  send past the receiving mail server's DMARC check is that party's From);
- the conversation waits for answers (invited or prepared), and the answer is to the
  invitation now out (its SEQUENCE): one to an earlier time no longer holds;
- of two answers to the same invitation the later (DTSTAMP) counts: the same answer again,
  or an older one arriving late, changes nothing and tells no one again.

Nothing of the reply's text is kept, and nothing moves by itself: a time proposed shows
to the leader, who moves the conversation to it with one click
(`conversation_move_to_proposal`), as any move (SEQUENCE + 1, an update to both).
"""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations import notices, policy
from samtale.conversations.models import Conversation, InvitationAnswer
from samtale.conversations.services import booking, lifecycle
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.notifications import ics, inbox
from samtale.notifications.inbox import Outcome
from samtale.org.models import Person

logger = logging.getLogger(__name__)

S = Conversation.Status
A = InvitationAnswer.Answer
P = InvitationAnswer.Party
# Invited, and not held yet: the answers still matter.
WAITING = (S.INVITED, S.PREPARED)
PARTSTAT = {"ACCEPTED": A.ACCEPTED, "TENTATIVE": A.TENTATIVE, "DECLINED": A.DECLINED}
# A new time may be proposed without an answer to the time there is.
COUNTER_PARTSTAT = {**PARTSTAT, "NEEDS-ACTION": A.NEEDS_ACTION}


def _ignored(pk: int, why: str, *args: Any) -> Outcome:
    logger.info("calendar answer to conversation %s ignored: " + why, pk, *args)
    return Outcome.IGNORED


def _taken(
    answer: ics.Answer, sender: str, conversation: Conversation
) -> tuple[Any, ...] | Outcome:
    """The party who answers and what (an InvitationAnswer value), or IGNORED, logged with
    why: not from a party, not waiting for an answer, to an older invitation, or no answer
    Samtale takes."""
    pk = conversation.pk
    parties = {
        conversation.employee.email.lower(): P.EMPLOYEE,
        conversation.leader.email.lower(): P.LEADER,
    }
    party = parties.get(sender)
    if party is None or sender not in answer.partstat:
        return _ignored(pk, "the e-mail is not from a party who answers in it")
    if conversation.status not in WAITING:
        return _ignored(pk, "the conversation is %s", conversation.status)
    if answer.sequence != conversation.ics_sequence:
        return _ignored(
            pk,
            "it answers SEQUENCE %s, the invitation out is %s",
            answer.sequence,
            conversation.ics_sequence,
        )
    known = COUNTER_PARTSTAT if answer.method == ics.COUNTER else PARTSTAT
    value = known.get(answer.partstat[sender])
    if value is None:
        return _ignored(pk, "PARTSTAT %s is no answer Samtale takes", answer.partstat[sender])
    if answer.method == ics.COUNTER and answer.start is None:
        return _ignored(pk, "a new time proposed without a time")
    return party, value


def _held_already(conversation: Conversation, party: str, value: str, answer: Any) -> bool:
    """The party's answer to this invitation is the one recorded: the same answer again (its
    newer stamp kept), or an older one arriving late."""
    recorded = InvitationAnswer.objects.filter(conversation=conversation, party=party).first()
    if recorded is None or recorded.sequence != answer.sequence:
        return False
    if recorded.stamped_at >= answer.stamp:
        return True
    if (recorded.answer, recorded.proposed_start, recorded.proposed_end) == (
        value,
        answer.start,
        answer.end,
    ):
        recorded.stamped_at = answer.stamp
        recorded.save(update_fields=["stamped_at"])
        return True
    return False


@inbox.answers_to
@transaction.atomic
def invitation_answer_receive(*, answer: ics.Answer, sender: str) -> Outcome | None:
    """Apply one party's answer (an iTIP REPLY or COUNTER) to their conversation, by the
    rules above; None when the UID is not one of Samtale's conversations. The applied
    answer is audited (what, never any text), and the leader is told of the employee's
    decline or proposed time by a step notice."""
    pk = ics.conversation_pk_of(answer.uid)
    if pk is None:
        return None
    # Two answers at once (the webhook and the mailbox, two workers) wait for each other.
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("employee", "leader")
        .filter(pk=pk)
        .first()
    )
    if conversation is None:
        return _ignored(pk, "there is no such conversation")
    taken = _taken(answer, sender, conversation)
    if isinstance(taken, Outcome):
        return taken
    party, value = taken
    if _held_already(conversation, party, value, answer):
        return Outcome.UNCHANGED
    InvitationAnswer.objects.update_or_create(
        conversation=conversation,
        party=party,
        defaults={
            "answer": value,
            "proposed_start": answer.start,
            "proposed_end": answer.end,
            "sequence": answer.sequence,
            "stamped_at": answer.stamp,
            "received_at": timezone.now(),
        },
    )
    person: Person = conversation.employee if party == P.EMPLOYEE else conversation.leader
    audit_log(
        actor=person,
        action="conversation.invitation_answered",
        obj=conversation,
        party=party,
        answer=value,
        proposed=answer.start is not None,
        sequence=answer.sequence,
    )
    if party == P.EMPLOYEE and (value == A.DECLINED or answer.start is not None):
        proposed = answer.start.isoformat() if answer.start else ""
        notices.step_notice(
            conversation=conversation,
            kind="invitation_answered",
            to=conversation.leader,
            event=f"{answer.sequence}:{value}:{proposed}",
        )
    return Outcome.APPLIED


@transaction.atomic
def conversation_move_to_proposal(
    *, actor: Person, conversation: Conversation, party: str, confirmed: bool = False
) -> Conversation:
    """Move the conversation to the time `party` proposed (their COUNTER to the invitation
    now out): the leader's one click. It is the move conversation_schedule makes, with its
    rules (a time ahead, nobody double-booked, the limit a day unless `confirmed`) and its
    update to both (SEQUENCE + 1). The length proposed counts where a conversation may be
    that long; otherwise it keeps its own."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    require(policy.may_manage_conversation(actor, conversation))
    answer = (
        policy.invitation_answers_visible_to(actor, conversation)
        .filter(party=party, proposed_start__isnull=False)
        .first()
        if party in P.values
        else None
    )
    if answer is None or conversation.status not in WAITING:
        raise DomainError(_("No new time is proposed for this conversation now."))
    minutes = answer.proposed_minutes
    if minutes is None or not booking.MIN_MINUTES <= minutes <= booking.MAX_MINUTES:
        minutes = conversation.duration_minutes
    conversation = lifecycle.conversation_schedule(
        actor=actor,
        conversation=conversation,
        scheduled_at=answer.proposed_start,
        duration_minutes=minutes,
        place=conversation.place,
        confirmed=confirmed,
        accepted_from=party,
    )
    audit_log(actor=actor, action="conversation.moved_to_proposal", obj=conversation, party=party)
    return conversation
