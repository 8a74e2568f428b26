"""Another time, asked for in the app: either party of an invited conversation proposes one
to three other times, with a short message if they like (`time_proposal_make`); the other
party takes one in one click (`time_proposal_accept`), and the conversation moves there as
any move does (conversation_schedule: SEQUENCE + 1, an updated invitation to both); or
answers with other times of their own, which closes the first.

The employee proposes, the leader accepts or answers back; a leader's answer the employee
accepts moves the conversation as the leader's own move would (the leader chose those
times). A time the employee's mail program proposed (an iMIP COUNTER,
services.replies) is shown beside these and taken with the same one click there.

The message is the two parties' alone, and kept only while the proposal is open: it is
emptied when the proposal closes, however it closes (lifecycle's `time_proposals_close`,
also called when the conversation moves, is held, postponed or cancelled)."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations import notices, policy
from samtale.conversations.free_times import Busy, time_fault
from samtale.conversations.models import Conversation, TimeProposal
from samtale.conversations.services import lifecycle
from samtale.conversations.services.lifecycle import time_proposals_close
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.org.models import Person

MAX_TIMES, MAX_MESSAGE = 3, 500
Outcome = TimeProposal.Outcome


def _checked(conversation: Conversation, starts: list[datetime]) -> list[datetime]:
    """The times, in order, each kept to the rules (free_times.time_fault); a DomainError
    with every fault otherwise."""
    starts = sorted(set(starts))
    if not starts:
        raise DomainError(_("Choose at least one time."), field="starts")
    if len(starts) > MAX_TIMES:
        raise DomainError(_("Propose at most %(n)d times.") % {"n": MAX_TIMES}, field="starts")
    now = timezone.now()
    busy = Busy(
        conversation,
        min(starts + [now]),
        max(starts) + timedelta(minutes=conversation.duration_minutes),
    )
    faults = [
        fault
        for start in starts
        if (fault := time_fault(start, minutes=conversation.duration_minutes, busy=busy, now=now))
    ]
    if faults:
        raise DomainError(" ".join(faults), field="starts")
    return starts


@transaction.atomic
def time_proposal_make(
    *, actor: Person, conversation: Conversation, starts: list[datetime], message: str = ""
) -> TimeProposal:
    """Propose other times for the conversation, to the other party: one to three, each
    ahead, on a working day, within working hours and when both are free. It replaces the
    actor's own open proposal, and answers (closes) the other party's. The other party is
    told by e-mail (a step notice, naming no message) and on their home page. Audited with
    how many times, never the message."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    require(policy.may_propose_time(actor, conversation))
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise DomainError(
            _("Keep the message to %(n)d characters.") % {"n": MAX_MESSAGE}, field="message"
        )
    starts = _checked(conversation, starts)
    party = conversation.party(actor)
    if party is None:  # the policy lets a party alone propose
        raise PermissionDenied
    other = "leader" if party == "employee" else "employee"
    time_proposals_close(conversation, Outcome.REPLACED, party=party)
    time_proposals_close(conversation, Outcome.ANSWERED, party=other)
    padded = starts + [None] * (MAX_TIMES - len(starts))
    proposal = TimeProposal.objects.create(
        conversation=conversation,
        party=party,
        start_1=starts[0],
        start_2=padded[1],
        start_3=padded[2],
        message=message,
        sequence=conversation.ics_sequence,
        created_at=timezone.now(),
    )
    audit_log(
        actor=actor,
        action="conversation.time_proposed",
        obj=conversation,
        times=len(starts),
        answer=party == "leader",
    )
    notices.step_notice(
        conversation=conversation,
        kind="time_proposed",
        to=conversation.leader if other == "leader" else conversation.employee,
        event=proposal.pk,
    )
    return proposal


@transaction.atomic
def time_proposal_accept(
    *,
    actor: Person,
    conversation: Conversation,
    proposal_id: int,
    start: datetime,
    confirmed: bool = False,
) -> Conversation:
    """Take one of the other party's proposed times: the conversation moves there (the
    move conversation_schedule makes, with its rules and an updated invitation to both),
    and the proposal closes, its message emptied. The one who proposed it is told in their
    update that `actor` accepted it, and the history says so, crediting `actor`. The
    leader's limit a day asks the leader to confirm (`confirmed`); a time the leader
    proposed is the leader's choice already."""
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    proposal = (
        policy.time_proposals_visible_to(actor, conversation)
        .exclude(party=conversation.party(actor))
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or start not in proposal.starts:
        raise DomainError(_("That time is no longer proposed for this conversation."))
    time_proposals_close(conversation, Outcome.ACCEPTED, party=proposal.party)
    moved = lifecycle.conversation_schedule(
        actor=actor,
        conversation=conversation,
        scheduled_at=start,
        duration_minutes=conversation.duration_minutes,
        place=conversation.place,
        confirmed=confirmed or proposal.party == "leader",
        as_leader=proposal.party == "leader",
        accepted_from=proposal.party,
    )
    audit_log(
        actor=actor, action="conversation.time_proposal_accepted", obj=moved, party=proposal.party
    )
    return moved
