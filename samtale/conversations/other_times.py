"""Other times asked for, as the pages show them: those proposed in the app
(TimeProposal) and those a mail program proposed (an iMIP COUNTER: InvitationAnswer), in
one shape, so the leader's card and the conversation's page show both the same way and
take each with the same one click. Reads only, through the conversation's policy."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations import policy
from samtale.conversations.models import Conversation, InvitationAnswer, TimeProposal
from samtale.conversations.services.booking import MAX_MINUTES

WAITING = policy.WAITING


@dataclass
class OtherTimes:
    """One party's open proposal: who, the times, and for the other party the one-click
    move to each (`proposal_id` for the app's, None for a mail program's)."""

    conversation: Conversation
    party: str
    starts: list[datetime]
    mine: bool
    message: str = ""
    from_mail: bool = False
    declined: bool = False
    proposal_id: int | None = None
    at: datetime | None = field(default=None)
    # Why each start is no longer free ("" while it is), to the reader: see `times`.
    unfree: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        c = self.conversation
        return (c.employee if self.party == "employee" else c.leader).full_name

    @property
    def times(self) -> list[tuple[datetime, str]]:
        """Each start, with why it is no longer free ("" while it is): one that is not
        loses its one click, which the move would refuse."""
        return list(zip(self.starts, self.unfree or [""] * len(self.starts), strict=True))


def _from_app(proposal: TimeProposal, person_id) -> OtherTimes:
    c = proposal.conversation
    mine = person_id == (c.employee_id if proposal.party == "employee" else c.leader_id)
    return OtherTimes(
        conversation=c,
        party=proposal.party,
        starts=proposal.starts,
        mine=mine,
        message=proposal.message,
        proposal_id=proposal.pk,
        at=proposal.created_at,
    )


def _from_mail(answer: InvitationAnswer, person_id) -> OtherTimes:
    c = answer.conversation
    mine = person_id == (c.employee_id if answer.party == "employee" else c.leader_id)
    return OtherTimes(
        conversation=c,
        party=answer.party,
        starts=[start for start in (answer.proposed_start,) if start is not None],
        mine=mine,
        from_mail=True,
        declined=answer.answer == InvitationAnswer.Answer.DECLINED,
        at=answer.received_at,
    )


def other_times(
    reader: policy.ConversationAccess, answers: list[InvitationAnswer] | None = None
) -> list[OtherTimes]:
    """The open proposals of other times for the conversation that the reader may see (the
    page's one access answer), the other party's first. `answers`: the reader's invitation
    answers (reader.invitation_answers) where the page has read them already."""
    conversation, user = reader.conversation, reader.user
    found = [_from_app(p, user.pk) for p in reader.time_proposals.select_related("conversation")]
    if conversation.status in WAITING:
        if answers is None:
            answers = list(reader.invitation_answers)
        for answer in answers:
            answer.conversation = conversation
        found += [_from_mail(a, user.pk) for a in answers if a.proposed_start is not None]
    for item in found:
        item.conversation = conversation
    _mark_unfree(found, user)
    return sorted(found, key=lambda item: (item.mine, item.at))


def _mark_unfree(items: list[OtherTimes], reader) -> None:
    """Say of each start proposed whether it is still free, as the move to it would ask
    (booking.check_free: a time ahead, neither party in another conversation then), to
    `reader`: "you" where it is their own conversation. One query for all the items."""
    if not items:
        return
    now = timezone.now()
    ids = {
        i for item in items for i in (item.conversation.employee_id, item.conversation.leader_id)
    }
    starts = [start for item in items for start in item.starts]
    longest = max(item.conversation.duration_minutes for item in items)
    booked = (
        Conversation.objects.filter(Q(employee_id__in=ids) | Q(leader_id__in=ids))
        .filter(status__in=Conversation.BOOKED, scheduled_at__isnull=False)
        .filter(scheduled_at__lt=max(starts) + timedelta(minutes=longest))
        .filter(scheduled_at__gt=min(starts) - timedelta(minutes=MAX_MINUTES))
        .values_list("pk", "scheduled_at", "duration_minutes", "employee_id", "leader_id")
    )
    rows = [(pk, at, at + timedelta(minutes=m), {e, le}) for pk, at, m, e, le in booked if at]
    for item in items:
        item.unfree = [_why_unfree(item, start, rows, reader, now) for start in item.starts]


def _why_unfree(item: OtherTimes, start: datetime, rows: list, reader, now: datetime) -> str:
    c = item.conversation
    if start <= now:
        return _("No longer free: the time has passed.")
    end = start + timedelta(minutes=c.duration_minutes)
    for pk, at, until, people in rows:
        if pk == c.pk or not (at < end and start < until):
            continue
        if reader.pk in people and reader.pk in (c.employee_id, c.leader_id):
            return _("No longer free: you have another conversation then.")
        busy = c.employee if c.employee_id in people else c.leader
        return _("No longer free: %(name)s has another conversation then.") % {
            "name": busy.full_name
        }
    return ""


def _proposals_waiting(user):
    """The other party's open proposals in the app that wait for `user` to answer."""
    visible = policy.conversations_visible_to(user).filter(status__in=WAITING)
    theirs = Q(party="employee", conversation__leader_id=user.pk) | Q(
        party="leader", conversation__employee_id=user.pk
    )
    return TimeProposal.objects.filter(
        theirs,
        conversation__in=visible,
        closed_at__isnull=True,
        sequence=F("conversation__ics_sequence"),
    )


def _counters_waiting(user):
    """The employee's new times from their mail program (COUNTER) that wait for `user`,
    their leader."""
    visible = policy.conversations_visible_to(user).filter(status__in=WAITING)
    return InvitationAnswer.objects.filter(
        conversation__in=visible.filter(leader_id=user.pk),
        party="employee",
        proposed_start__isnull=False,
        sequence=F("conversation__ics_sequence"),
    )


def waiting_annotations(user) -> dict:
    """Whether any other time waits for `user`, read with the person (the home page's one
    query for them): the cards are read only when one does."""
    return {
        "proposals_waiting": Exists(_proposals_waiting(user)),
        "counters_waiting": Exists(_counters_waiting(user)),
    }


def other_times_waiting_for(user, *, proposals: bool = True, counters: bool = True):
    """The other party's open proposals that wait for `user` to answer, across their
    conversations (the home page's cards): one query for each kind asked for."""
    person_id = user.pk
    related = ("conversation__employee", "conversation__leader")
    found = []
    if proposals:
        found += [
            _from_app(p, person_id)
            for p in _proposals_waiting(user).select_related(*related).order_by("created_at")
        ]
    if counters:
        found += [
            _from_mail(a, person_id)
            for a in _counters_waiting(user).select_related(*related).order_by("received_at")
        ]
    _mark_unfree(found, user)
    return found
