"""Who may see or do what with a conversation and its content.

The content of a conversation is the two parties' alone. Drafts are their author's alone
until shared. Leaders above, HR and administrators see status and counts through their own
selectors, never through these functions.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from samtale.conversations.models import (
    Conversation,
    Feedback,
    InvitationAnswer,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
    StatusChange,
    SummaryComment,
    SummaryRevision,
    SummaryShare,
    TimeProposal,
)
from samtale.core.access import own, require, roles_for
from samtale.org.models import Person
from samtale.org.selectors import UNITS_ABOVE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def conversations_visible_to(user) -> QuerySet[Conversation]:
    """Conversations the user is a party to: the employee, or the leader who holds it."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(
        Q(employee_id=roles.person_id) | Q(leader_id=roles.person_id)
    )


# holds_others_conversations as SQL over the person `p`, read with the signed-in person
# (accounts.backends): the same question, without a query of its own.
HOLDS_OTHERS_SQL = (
    f"EXISTS(SELECT 1 FROM {Conversation._meta.db_table} c "  # noqa: S608 - a table name of ours
    "WHERE c.leader_id = p.id AND c.employee_id <> p.id)"
)


def holds_others_conversations(user) -> bool:
    """The user is the leader of someone else's conversation (a stand-in, or one handed over
    before the line changed): they read it, whatever their role (accounts.mfa)."""
    roles = roles_for(user)
    if roles.person_id is None:
        return False
    if (known := getattr(user, "holds_others", None)) is not None:
        return bool(known)
    return (
        conversations_visible_to(user)
        .filter(leader_id=roles.person_id)
        .exclude(employee_id=roles.person_id)
        .exists()
    )


def get_conversation_for(user, pk, *, write: bool = False) -> Conversation:
    """A conversation for one of its two parties; 404 for everyone else.

    `write` asks that the content may still change (not signed or cancelled): 403 if not.
    """
    # By its key, then the party check (the same rule as conversations_visible_to): one
    # row by the primary key, never the OR of two indexes, which SQLite was seen to
    # answer with the same row twice while another request updated it.
    person_id = roles_for(user).person_id
    try:
        conversation = Conversation.objects.select_related(
            f"employee__{UNITS_ABOVE}", "leader", "guide_version"
        ).get(pk=pk)
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if person_id is None or person_id not in (conversation.employee_id, conversation.leader_id):
        raise Http404
    if write:
        require(not conversation.is_locked)
    return conversation


# The revisions not read yet (ConversationAccess.summary_revisions' `current`).
_UNREAD = object()


@dataclass(frozen=True)
class ConversationAccess:
    """What one reader may see and do with one conversation: the policy's one answer, asked
    once a request (access_to) and read by the page, its fragments and the API alike.

    Each rule is written here, once, from the reader's side (`party`, found once); the
    `may_*` and `*_visible_to` functions of this module read it. The two answers that ask
    the database (the Likert answers' sharing, the reader's roles) are asked at most once,
    when read; the querysets are lazy.
    """

    user: Person | AnonymousUser
    conversation: Conversation
    party: str | None  # "employee", "leader" or None (Conversation.party)
    # The summary revision the page shows (services.summary.summary_current), if any.
    summary: SummaryRevision | None = None

    @property
    def may_draft_summary(self) -> bool:
        """The party the template names writes the summary (summary_drafter)."""
        return self.party == self.conversation.summary_author

    @property
    def may_review_summary(self) -> bool:
        """The other party comments on it, sends it back or approves it."""
        return self.party is not None and self.party != self.conversation.summary_author

    @property
    def may_see_summary(self) -> bool:
        """`summary`'s text: the drafter always; the other party once it is sent for comment."""
        if self.summary is None:
            return False
        return self.may_draft_summary or (
            self.may_review_summary and self.summary.submitted_at is not None
        )

    @property
    def may_withdraw_correction(self) -> bool:
        """Either party may withdraw a correction under way (the service says whether one is)."""
        return self.party is not None

    @property
    def may_give_feedback(self) -> bool:
        """Only the employee says how the conversation was; only after signing."""
        return self.party == "employee" and self.conversation.status == Conversation.Status.SIGNED

    @property
    def may_propose_time(self) -> bool:
        """Ask for other times in the app (conversations.services.proposals): either party,
        while the conversation is invited or prepared, with a time, and not held."""
        return (
            self.party is not None
            and self.conversation.status in WAITING
            and self.conversation.scheduled_at is not None
        )

    @cached_property
    def may_manage(self) -> bool:
        """Schedule, invite, postpone, cancel and close the meeting: the leader who holds it."""
        return roles_for(self.user).person_id == self.conversation.leader_id

    @cached_property
    def may_see_likert_answers(self) -> bool:
        """The employee's own answers; the leader sees them while the employee has them shared
        (`Preparation.shared_at` of the employee's preparation: set by "share all" or by
        sharing the answers on their own, cleared when taken back)."""
        if self.party == "employee":
            return True
        if self.party == "leader":
            return self.conversation.preparations.filter(
                author_id=self.conversation.employee_id, shared_at__isnull=False
            ).exists()
        return False

    @property
    def notes(self) -> QuerySet[Note]:
        """My own notes, drafts included, and those of the other party's notes they have
        shared (each note on its own: `Note.shared_at`). Every page, fragment and e-mail that
        shows notes reads them through here."""
        if self.party is None:
            return Note.objects.none()
        person_id = roles_for(self.user).person_id
        return Note.objects.filter(preparation__conversation=self.conversation).filter(
            _note_rule(person_id)
        )

    @property
    def summary_comments(self) -> QuerySet[SummaryComment]:
        """The reviewer's comments, send-backs and approvals on every revision: part of the
        summary's record for both parties, kept after approval and signing. The reviewer's
        unsent draft (SummaryRevision.comment) is not among them; nobody outside the two
        ever sees a comment, whatever the conclusion shares."""
        if self.party is None:
            return SummaryComment.objects.none()
        return SummaryComment.objects.filter(revision__conversation=self.conversation)

    @property
    def invitation_answers(self) -> QuerySet[InvitationAnswer]:
        """The answers to the calendar invitation now out (its SEQUENCE; an answer to an
        earlier time no longer holds): the leader who holds the conversation sees both
        parties', the employee their own, nobody else any."""
        if self.party is None:
            return InvitationAnswer.objects.none()
        answers = InvitationAnswer.objects.filter(
            conversation=self.conversation, sequence=self.conversation.ics_sequence
        )
        if self.party == "employee":
            return answers.filter(party=InvitationAnswer.Party.EMPLOYEE)
        return answers

    @property
    def time_proposals(self) -> QuerySet[TimeProposal]:
        """The open proposals of other times (to the invitation now out), with their
        messages: the conversation's two parties see both parties', nobody else any."""
        if self.party is None or self.conversation.status not in WAITING:
            return TimeProposal.objects.none()
        return TimeProposal.objects.filter(
            conversation=self.conversation,
            sequence=self.conversation.ics_sequence,
            closed_at__isnull=True,
        )

    def summary_revisions(self, *, current: object = _UNREAD) -> QuerySet[SummaryRevision]:
        """The revisions of the summary whose text the reader may read (and compare): a party
        sees every revision both have signed, and the one being written once
        may_see_summary lets them. A withdrawn correction stays readable to whoever could
        read it when it was withdrawn: the drafter, and the reviewer if it was sent to them
        then. Nobody else sees any: not HR (shared_conclusions_visible_to), not
        administrators. A caller that has read the revisions passes the current one."""
        if self.party is None:
            return SummaryRevision.objects.none()
        revisions = self.conversation.summaries.all()
        if current is _UNREAD:
            current = revisions.filter(withdrawn_at__isnull=True).order_by("-number").first()
        signed = Q(employee_signed_at__isnull=False, leader_signed_at__isnull=False)
        withdrawn = Q(withdrawn_at__isnull=False)
        if not self.may_draft_summary:
            withdrawn &= Q(submitted_at__isnull=False)
        if isinstance(current, SummaryRevision) and replace(self, summary=current).may_see_summary:
            return revisions.filter(signed | withdrawn | Q(pk=current.pk))
        return revisions.filter(signed | withdrawn)


def access_to(
    user: Person | AnonymousUser, conversation: Conversation, summary: SummaryRevision | None = None
) -> ConversationAccess:
    """The reader's relationship to a conversation (and to `summary`, the revision at hand),
    as Zulip's access functions return it: one call a request, after get_conversation_for,
    and the page or endpoint reads what it needs from the answer."""
    return ConversationAccess(
        user=user, conversation=conversation, party=conversation.party(user), summary=summary
    )


# Who else a leader may plan for, as the domains above say (rounds: those an open round has
# given them to hold). They register here rather than be imported (see `grants_planning`).
_planning_grants: list[Callable[[object, Person], bool]] = []


def grants_planning(check: Callable[[object, Person], bool]):
    """Registers a rule from a domain above by which a leader may also plan a conversation
    for an employee (check(user, employee) -> bool). Used as a decorator; returns it."""
    _planning_grants.append(check)
    return check


def may_plan_conversation(user, employee: Person | None = None) -> bool:
    """HR plans for anyone; a leader for the people below them in the line, and for
    those another domain grants them (an open round's holder: rounds.policy)."""
    roles = roles_for(user)
    if roles.is_hr:
        return True
    if employee is None:
        return roles.is_leader
    if employee.pk in roles.subordinate_ids:
        return True
    return any(check(user, employee) for check in _planning_grants)


def conversation_planning_people(user) -> QuerySet[Person]:
    """The people a user may plan a conversation for."""
    roles = roles_for(user)
    if roles.is_hr:
        return Person.objects.filter(is_active=True)
    return Person.objects.filter(is_active=True, pk__in=roles.subordinate_ids)


def may_manage_conversation(user, conversation: Conversation) -> bool:
    """Schedule, invite, postpone, cancel and close the meeting (ConversationAccess)."""
    return access_to(user, conversation).may_manage


def invitation_answers_visible_to(user, conversation: Conversation) -> QuerySet[InvitationAnswer]:
    """The answers to the calendar invitation now out (ConversationAccess)."""
    return access_to(user, conversation).invitation_answers


# Invited, and not held yet: other times may be asked for.
WAITING = (Conversation.Status.INVITED, Conversation.Status.PREPARED)


def may_propose_time(user, conversation: Conversation) -> bool:
    """Ask for other times in the app (ConversationAccess)."""
    return access_to(user, conversation).may_propose_time


def time_proposals_visible_to(user, conversation: Conversation) -> QuerySet[TimeProposal]:
    """The open proposals of other times, with their messages (ConversationAccess)."""
    return access_to(user, conversation).time_proposals


def all_time_proposals_visible_to(user) -> QuerySet[TimeProposal]:
    """time_proposals_visible_to over every conversation the user is a party to, in one
    query (the person's copy of their data, privacy.export)."""
    person_id = roles_for(user).person_id
    return TimeProposal.objects.filter(
        Q(conversation__employee_id=person_id) | Q(conversation__leader_id=person_id),
        conversation__status__in=WAITING,
        sequence=F("conversation__ics_sequence"),
        closed_at__isnull=True,
    )


def summary_drafter(conversation: Conversation) -> Person:
    """The party who writes the summary (the template's choice; by default the employee)."""
    if conversation.summary_author == Conversation.SummaryAuthor.LEADER:
        return conversation.leader
    return conversation.employee


def may_draft_summary(user, conversation: Conversation) -> bool:
    """ConversationAccess.may_draft_summary."""
    return access_to(user, conversation).may_draft_summary


def may_review_summary(user, conversation: Conversation) -> bool:
    """ConversationAccess.may_review_summary."""
    return access_to(user, conversation).may_review_summary


def notes_visible_to(user, conversation: Conversation) -> QuerySet[Note]:
    """My own notes and the other party's shared ones (ConversationAccess.notes)."""
    return access_to(user, conversation).notes


def _note_rule(person_id) -> Q:
    return Q(preparation__author_id=person_id) | Q(shared_at__isnull=False)


def all_notes_visible_to(user) -> QuerySet[Note]:
    """notes_visible_to over every conversation the user is a party to, in one query (the
    person's copy of their data, privacy.export)."""
    person_id = roles_for(user).person_id
    return Note.objects.filter(preparation__conversation__in=conversations_visible_to(user)).filter(
        _note_rule(person_id)
    )


def may_see_likert_answers(user, conversation: Conversation) -> bool:
    """The employee's own answers, and the leader while shared (ConversationAccess)."""
    return access_to(user, conversation).may_see_likert_answers


def may_see_summary(user, conversation: Conversation, summary: SummaryRevision) -> bool:
    """The drafter always; the other party once it is sent for comment (ConversationAccess)."""
    return access_to(user, conversation, summary).may_see_summary


def summary_revisions_visible_to(
    user, conversation: Conversation, *, current=_UNREAD
) -> QuerySet[SummaryRevision]:
    """The revisions of the summary whose text a user may read (ConversationAccess)."""
    return access_to(user, conversation).summary_revisions(current=current)


def may_withdraw_correction(user, conversation: Conversation) -> bool:
    """Either party may withdraw a correction under way (ConversationAccess)."""
    return access_to(user, conversation).may_withdraw_correction


def summary_comments_visible_to(user, conversation: Conversation) -> QuerySet[SummaryComment]:
    """The comments on every revision, for both parties alone (ConversationAccess)."""
    return access_to(user, conversation).summary_comments


def may_read_shared_conclusions(user) -> bool:
    return roles_for(user).is_hr


def shared_conclusions_visible_to(user) -> QuerySet[SummaryRevision]:
    """What the signed conclusion in force explicitly shares outside the two: HR only, and
    only that text.

    The revision in force is a conversation's latest revision that both have signed. A
    correction signed by both replaces it, so text it withdraws or changes is never shown
    again; until then the earlier signed revision stays in force. Callers audit every read
    (core.audit), because it is read outside the conversation.
    """
    if not may_read_shared_conclusions(user):
        return SummaryRevision.objects.none()
    signed = SummaryRevision.objects.filter(
        employee_signed_at__isnull=False, leader_signed_at__isnull=False
    )
    replaced = signed.filter(
        conversation_id=OuterRef("conversation_id"), number__gt=OuterRef("number")
    )
    return (
        signed.exclude(conversation__status=Conversation.Status.CANCELLED)
        .exclude(Exists(replaced))
        .exclude(shared_outside="")
    )


def summaries_shared_with(user) -> QuerySet[SummaryShare]:
    """The signed summaries employees let this user read as their new line manager (after a
    change of leader: conversations.services.handover.summary_share), while the employee
    still reports to them."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return SummaryShare.objects.none()
    return SummaryShare.objects.filter(
        reader_id=person_id,
        conversation__employee__manager_id=person_id,
        conversation__status=Conversation.Status.SIGNED,
    )


def get_shared_summary_for(user, pk) -> Conversation:
    """A conversation whose signed summary its employee shared with the user (its text,
    conclusion and agreed goals only); 404 for everyone else, the parties included (they
    read the whole conversation on its own pages)."""
    share = (
        summaries_shared_with(user)
        .select_related("conversation__employee", "conversation__leader")
        .filter(conversation_id=pk)
        .first()
    )
    if share is None:
        raise Http404
    return share.conversation


def may_give_feedback(user, conversation: Conversation) -> bool:
    """Only the employee, only after signing (ConversationAccess)."""
    return access_to(user, conversation).may_give_feedback


def feedback_given_by(user) -> QuerySet[Feedback]:
    """The employee's own answers to "how was the conversation?": read back by them alone, in
    their copy of their data (privacy.export). The leader and HR count them, never read them."""
    return own(user, Feedback, "conversation__employee_id")


def likert_answers_given_by(user) -> QuerySet[LikertAnswer]:
    """The employee's own answers to the statements, in all their conversations: theirs to
    read always (may_see_likert_answers)."""
    return own(user, LikertAnswer, "conversation__employee_id")


def leadership_answers_given_by(user) -> QuerySet[LeadershipAnswer]:
    """The employee's own answers about their leader: theirs alone, one by one. The leader and
    their leader see them only as a round's frozen aggregate (insight.leadership)."""
    return own(user, LeadershipAnswer, "conversation__employee_id")


def preparations_of(user) -> QuerySet[Preparation]:
    """A party's own preparations (when they shared them; the leader's private checklist)."""
    person_id = roles_for(user).person_id
    return Preparation.objects.filter(
        author_id=person_id, conversation__in=conversations_visible_to(user)
    )


def status_changes_visible_to(user) -> QuerySet[StatusChange]:
    """Each conversation's history (planned, moved, cancelled, with why): its two parties."""
    return StatusChange.objects.filter(conversation__in=conversations_visible_to(user))


def all_summary_comments_visible_to(user) -> QuerySet[SummaryComment]:
    """summary_comments_visible_to over every conversation the user is a party to."""
    return SummaryComment.objects.filter(revision__conversation__in=conversations_visible_to(user))


def conversations_countable_by(user) -> QuerySet[Conversation]:
    """Conversations a user may COUNT (never read): HR all of them, a leader those of the
    people below them in the line, anyone their own. Feed counts and aggregates only."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Conversation.objects.none()
    if roles.is_hr:
        return Conversation.objects.all()
    return Conversation.objects.filter(
        Q(employee_id__in=roles.subordinate_ids)
        | Q(employee_id=roles.person_id)
        | Q(leader_id=roles.person_id)
    )
