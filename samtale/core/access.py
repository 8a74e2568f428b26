"""The one access policy: who may see or do what.

Every view, htmx fragment, API endpoint, export and e-mail asks this module;
nothing else decides access. Two kinds of answers:

- `<things>_visible_to(user)` querysets feed every list, count and aggregate.
- `get_<thing>_for(user, pk, *, write=False)` fetches and authorizes in one call:
  404 (Http404) when the user may not know the object exists, 403
  (PermissionDenied) when they may see it but not change it.
- `may_<capability>(user)` answers section-level questions ("may this user
  manage the organization?") and `require()` turns a no into 403.

Roles: an administrator manages organization, people and settings; HR sees
people and (later) aggregates; a leader is anyone with reports and sees the
people below them in the line; everyone sees themselves.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from samtale.actions.models import Action, ActionUpdate, Goal
from samtale.api.models import ApiToken
from samtale.archive.models import Delivery, SignedForm
from samtale.conversations.models import (
    Conversation,
    Feedback,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
    StatusChange,
    SummaryComment,
    SummaryRevision,
)
from samtale.core.models import AuditEntry
from samtale.guides.models import Guide
from samtale.insight.models import LeadershipSnapshot
from samtale.needs.models import Need, RaisedNeed
from samtale.org.models import EmailChange, ImportBatch, Person, RoleChange, Unit
from samtale.privacy import links
from samtale.privacy.models import AccessCopy, LegalHold, RetentionRun
from samtale.rounds.models import Participant, Round, RoundCount, Window


@dataclass(frozen=True)
class Roles:
    person_id: int | None
    is_admin: bool = False
    is_hr: bool = False
    is_archivist: bool = False
    # Everyone below this person in the line, directly or through other leaders.
    subordinate_ids: frozenset[int] = field(default_factory=frozenset)
    direct_report_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_leader(self) -> bool:
        return bool(self.direct_report_ids)

    @property
    def is_leaders_leader(self) -> bool:
        return self.subordinate_ids != self.direct_report_ids


ANONYMOUS = Roles(person_id=None)


def _below(level: set[int], person_id: int, seen: set[int]) -> set[int]:
    """Everyone below `level` in the line: one indexed query per level (manager_id IN …).

    A recursive CTE reads the same in one statement, but PostgreSQL plans its recursive
    step as a scan of every person. The `seen` set stops even if bad data makes a cycle.
    """
    found: set[int] = set()
    while level:
        # Each person found says whether anyone reports to them: the walk stops at the last
        # level that leads others, instead of asking once more to find nobody below it.
        rows = (
            Person.objects.filter(manager_id__in=level)
            .annotate(leads=Exists(Person.objects.filter(manager_id=OuterRef("pk"))))
            .order_by()
            .values_list("pk", "leads")
        )
        below, leading = set(), set()
        for pk, leads in rows:
            below.add(pk)
            if leads:
                leading.add(pk)
        new = below - (seen | found | {person_id})
        found |= new
        level = leading & new
    return found


def subordinate_ids(person_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """(direct reports, everyone below) for a person, walking the line level by level."""
    direct = set(
        Person.objects.filter(manager_id=person_id).order_by().values_list("pk", flat=True)
    ) - {person_id}
    return frozenset(direct), frozenset(direct | _below(direct, person_id, direct))


PERSON_WITH_LINE_SQL = """
SELECT {columns},
       (SELECT {ids} FROM {person} r WHERE r.manager_id = p.id) AS line_direct_ids,
       EXISTS(SELECT 1 FROM {person} r JOIN {person} rr ON rr.manager_id = r.id
              WHERE r.manager_id = p.id) AS line_leads_leaders
FROM {person} p WHERE p.id = %s
"""


@cache
def _person_with_line_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    return PERSON_WITH_LINE_SQL.format(
        columns=", ".join(f"p.{quote(f.column)}" for f in Person._meta.concrete_fields),
        ids="STRING_AGG(CAST(r.id AS text), ',')"
        if vendor == "postgresql"
        else "GROUP_CONCAT(r.id, ',')",
        person=quote(Person._meta.db_table),
    )


def person_with_line(pk) -> Person | None:
    """A person loaded with the first facts the policy asks about them, in one statement:
    who reports to them directly, and whether any of those lead others in turn.

    The signed-in user is loaded this way (accounts.backends), so a leader's requests know
    their reports without queries of their own; only a leader's leader walks further. The
    statement is written out because the ORM took thirty times longer to build it than the
    database to answer it, on every request.
    """
    sql = _person_with_line_sql(connection.vendor)
    return next(iter(Person.objects.raw(sql, [int(pk)])), None)


def _line_of(user) -> tuple[frozenset[int], frozenset[int]]:
    if not hasattr(user, "line_direct_ids"):
        return subordinate_ids(user.pk)
    direct = {int(pk) for pk in (user.line_direct_ids or "").split(",") if pk} - {user.pk}
    if not user.line_leads_leaders:
        return frozenset(direct), frozenset(direct)
    return frozenset(direct), frozenset(direct | _below(direct, user.pk, direct))


def roles_for(user) -> Roles:
    """The facts the policy needs about a user, computed once per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_samtale_roles", None)
    if cached is not None:
        return cached
    direct, below = _line_of(user)
    roles = Roles(
        person_id=user.pk,
        is_admin=user.is_org_admin,
        is_hr=user.is_hr,
        is_archivist=user.is_archivist,
        subordinate_ids=below,
        direct_report_ids=direct,
    )
    user._samtale_roles = roles
    return roles


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Section-level capabilities ------------------------------------------------


def may_manage_org(user) -> bool:
    """Create and edit units and people, give roles, import from payroll."""
    return roles_for(user).is_admin


def may_list_people(user) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_hr or roles.is_leader


def may_list_units(user) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_hr


def require_local_development() -> None:
    """The developer's pages (the mail a laptop wrote to var/mail/) exist only under DEBUG:
    everywhere else they are not found, for everyone. E-mails carry no conversation content,
    but an administrator has no business reading other people's mail in production."""
    if not settings.DEBUG:
        raise Http404


def may_read_dev_mail(user) -> bool:
    """On a laptop (DEBUG), the e-mails written to var/mail/: administrators only."""
    return settings.DEBUG and roles_for(user).is_admin


# People ---------------------------------------------------------------------


def people_visible_to(user) -> QuerySet[Person]:
    roles = roles_for(user)
    if roles.person_id is None:
        return Person.objects.none()
    if roles.is_admin or roles.is_hr:
        return Person.objects.all()
    return Person.objects.filter(pk__in={roles.person_id, *roles.subordinate_ids})


def get_person_for(user, pk, *, write: bool = False) -> Person:
    try:
        person = people_visible_to(user).select_related("unit", "manager").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_org(user))
    return person


def may_provision(user) -> bool:
    """Create, change and deactivate people from an identity provider (SCIM): what an
    administrator does by hand, so an administrator's service token with the scope 'scim'
    (the scope is the token's, checked where the token is read)."""
    return may_manage_org(user)


def people_provisioned_by(user) -> QuerySet[Person]:
    """The people an identity provider manages: everyone, except those it deleted, who
    stay (deactivated) but are gone for it (RFC 7644 §3.6) until someone reactivates them."""
    if not may_provision(user):
        return Person.objects.none()
    return people_visible_to(user).filter(scim_deleted_at__isnull=True)


def get_provisioned_person_for(user, pk) -> Person:
    """404 for an id that is missing, hidden or not a number, alike."""
    try:
        return people_provisioned_by(user).select_related("manager").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def manager_choices_for(user) -> QuerySet[Person]:
    """Whom an administrator may name as someone's line manager: any active person (the
    service refuses a cycle and the administrator's own line)."""
    if not may_manage_org(user):
        return Person.objects.none()
    return Person.objects.filter(is_active=True)


def may_read_org_changes(user) -> bool:
    """Who gave or took which role, whose e-mail address was changed by whom: HR and
    administrators, who are told of each change as it happens."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def role_changes_visible_to(user) -> QuerySet[RoleChange]:
    if not may_read_org_changes(user):
        return RoleChange.objects.none()
    return RoleChange.objects.all()


def email_changes_visible_to(user) -> QuerySet[EmailChange]:
    if not may_read_org_changes(user):
        return EmailChange.objects.none()
    return EmailChange.objects.all()


def may_release_email_hold(user, change: EmailChange) -> bool:
    """Let password resets go to a changed address without the old address's confirmation:
    HR or an administrator, never the one who made the change or the person themselves."""
    person_id = roles_for(user).person_id
    return may_read_org_changes(user) and person_id not in (change.changed_by_id, change.person_id)


def get_email_change_for(user, pk, *, write: bool = False) -> EmailChange:
    try:
        change = email_changes_visible_to(user).select_related("person").get(pk=pk)
    except (EmailChange.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_release_email_hold(user, change))
    return change


# Units ----------------------------------------------------------------------


def units_visible_to(user) -> QuerySet[Unit]:
    """Unit names are not confidential: every signed-in person may know them."""
    if roles_for(user).person_id is None:
        return Unit.objects.none()
    return Unit.objects.all()


def get_unit_for(user, pk, *, write: bool = False) -> Unit:
    try:
        unit = units_visible_to(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_org(user))
    return unit


# Imports --------------------------------------------------------------------


def imports_visible_to(user) -> QuerySet[ImportBatch]:
    if not may_manage_org(user):
        return ImportBatch.objects.none()
    return ImportBatch.objects.all()


def get_import_for(user, pk) -> ImportBatch:
    try:
        return imports_visible_to(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Conversation templates ------------------------------------------------------


def may_manage_guides(user) -> bool:
    """HR and administrators create, copy, edit and retire templates."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def guides_visible_to(user) -> QuerySet[Guide]:
    """Templates hold no personal data: everyone signed in may read them (leaders choose one)."""
    if roles_for(user).person_id is None:
        return Guide.objects.none()
    return Guide.objects.all()


def get_guide_for(user, pk, *, write: bool = False) -> Guide:
    try:
        guide = guides_visible_to(user).get(pk=pk)
    except (Guide.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_guides(user))
    return guide


# Conversations ---------------------------------------------------------------
#
# The content of a conversation is the two parties' alone. Drafts are their
# author's alone until shared. Leaders above, HR and administrators see status
# and counts through their own selectors, never through these functions.


def conversations_visible_to(user) -> QuerySet[Conversation]:
    """Conversations the user is a party to: the employee, or the leader who holds it."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Conversation.objects.none()
    return Conversation.objects.filter(
        Q(employee_id=roles.person_id) | Q(leader_id=roles.person_id)
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
            "employee", "leader", "guide_version"
        ).get(pk=pk)
    except (Conversation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if person_id is None or person_id not in (conversation.employee_id, conversation.leader_id):
        raise Http404
    if write:
        require(not conversation.is_locked)
    return conversation


def may_plan_conversation(user, employee: Person | None = None) -> bool:
    """HR plans for anyone; a leader for the people below them in the line, and for
    those an open round has given them to hold (see Rounds below)."""
    roles = roles_for(user)
    if roles.is_hr:
        return True
    if employee is None:
        return roles.is_leader
    return employee.pk in roles.subordinate_ids or holds_in_open_round(user, employee)


def conversation_planning_people(user) -> QuerySet[Person]:
    """The people a user may plan a conversation for."""
    roles = roles_for(user)
    if roles.is_hr:
        return Person.objects.filter(is_active=True)
    return Person.objects.filter(is_active=True, pk__in=roles.subordinate_ids)


def may_manage_conversation(user, conversation: Conversation) -> bool:
    """Schedule, invite, postpone, cancel and close the meeting: the leader who holds it."""
    return roles_for(user).person_id == conversation.leader_id


def may_draft_summary(user, conversation: Conversation) -> bool:
    return conversation.party(user) == conversation.summary_author


def may_review_summary(user, conversation: Conversation) -> bool:
    party = conversation.party(user)
    return party is not None and party != conversation.summary_author


def notes_visible_to(user, conversation: Conversation) -> QuerySet[Note]:
    """My own notes, drafts included, and those of the other party's notes they have shared
    (each note on its own: `Note.shared_at`). Every page, fragment and e-mail that shows
    notes reads them through here."""
    person_id = roles_for(user).person_id
    if conversation.party(user) is None:
        return Note.objects.none()
    return Note.objects.filter(preparation__conversation=conversation).filter(_note_rule(person_id))


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
    """The employee's own answers; the leader sees them while the employee has them shared
    (`Preparation.shared_at` of the employee's preparation: set by "share all" or by sharing
    the answers on their own, cleared when taken back)."""
    party = conversation.party(user)
    if party == "employee":
        return True
    if party == "leader":
        return conversation.preparations.filter(
            author_id=conversation.employee_id, shared_at__isnull=False
        ).exists()
    return False


def may_see_summary(user, conversation: Conversation, summary: SummaryRevision) -> bool:
    """The drafter always; the other party once it is sent for comment."""
    if may_draft_summary(user, conversation):
        return True
    return may_review_summary(user, conversation) and summary.submitted_at is not None


_UNREAD = object()


def summary_revisions_visible_to(
    user, conversation: Conversation, *, current=_UNREAD
) -> QuerySet[SummaryRevision]:
    """The revisions of the summary whose text a user may read (and compare): a party sees
    every revision both have signed, and the one being written once may_see_summary lets
    them. A withdrawn correction stays readable to whoever could read it when it was
    withdrawn: the drafter, and the reviewer if it was sent to them then. Nobody else sees
    any: not HR (shared_conclusions_visible_to), not administrators."""
    if conversation.party(user) is None:
        return SummaryRevision.objects.none()
    revisions = conversation.summaries.all()
    if current is _UNREAD:  # a caller that has read the revisions passes the current one
        current = revisions.filter(withdrawn_at__isnull=True).order_by("-number").first()
    signed = Q(employee_signed_at__isnull=False, leader_signed_at__isnull=False)
    withdrawn = Q(withdrawn_at__isnull=False)
    if not may_draft_summary(user, conversation):
        withdrawn &= Q(submitted_at__isnull=False)
    if current is not None and may_see_summary(user, conversation, current):
        return revisions.filter(signed | withdrawn | Q(pk=current.pk))
    return revisions.filter(signed | withdrawn)


def may_withdraw_correction(user, conversation: Conversation) -> bool:
    """Either party may withdraw a correction under way (the service says whether one is)."""
    return conversation.party(user) is not None


def summary_comments_visible_to(user, conversation: Conversation) -> QuerySet[SummaryComment]:
    """The reviewer's comments, send-backs and approvals on every revision: part of the
    summary's record for both parties, kept after approval and signing. The reviewer's
    unsent draft (SummaryRevision.comment) is not among them; nobody outside the two ever
    sees a comment, whatever the conclusion shares."""
    if conversation.party(user) is None:
        return SummaryComment.objects.none()
    return SummaryComment.objects.filter(revision__conversation=conversation)


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


def may_give_feedback(user, conversation: Conversation) -> bool:
    """Only the employee says how the conversation was; only after signing."""
    return (
        conversation.party(user) == "employee" and conversation.status == Conversation.Status.SIGNED
    )


def feedback_given_by(user) -> QuerySet[Feedback]:
    """The employee's own answers to "how was the conversation?": read back by them alone, in
    their copy of their data (privacy.export). The leader and HR count them, never read them."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return Feedback.objects.none()
    return Feedback.objects.filter(conversation__employee_id=person_id)


def likert_answers_given_by(user) -> QuerySet[LikertAnswer]:
    """The employee's own answers to the statements, in all their conversations: theirs to
    read always (may_see_likert_answers)."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return LikertAnswer.objects.none()
    return LikertAnswer.objects.filter(conversation__employee_id=person_id)


def leadership_answers_given_by(user) -> QuerySet[LeadershipAnswer]:
    """The employee's own answers about their leader: theirs alone, one by one. The leader and
    their leader see them only as a round's frozen aggregate (insight.leadership)."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return LeadershipAnswer.objects.none()
    return LeadershipAnswer.objects.filter(conversation__employee_id=person_id)


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


def all_raised_needs_visible_to(user) -> QuerySet[RaisedNeed]:
    """raised_needs_visible_to over every conversation the user is a party to."""
    return RaisedNeed.objects.filter(conversation__in=conversations_visible_to(user))


def actions_visible_to(user) -> QuerySet[Action]:
    """Goals' actions in the conversations the user is a party to (either side).

    The leader's own actions are visible to the employee they concern, and the
    employee's to their leader; nobody else sees an action's text.
    """
    roles = roles_for(user)
    if roles.person_id is None:
        return Action.objects.none()
    return Action.objects.filter(Q(employee_id=roles.person_id) | Q(leader_id=roles.person_id))


def goals_visible_to(user) -> QuerySet[Goal]:
    """The goals of the conversations the user is a party to (the rule of get_goal_for)."""
    return Goal.objects.filter(conversation__in=conversations_visible_to(user))


def action_updates_visible_to(user) -> QuerySet[ActionUpdate]:
    """An action's history (status changes and comments): both parties, as the action."""
    return ActionUpdate.objects.filter(action__in=actions_visible_to(user))


def actions_led_by(user) -> QuerySet[Action]:
    """The actions of the conversations the user holds as the leader (a part of actions_visible_to)."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Action.objects.none()
    return Action.objects.filter(leader_id=roles.person_id)


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


def actions_countable_by(user) -> QuerySet[Action]:
    """Actions a user may count (never read), in the same scope as conversations_countable_by.
    HR's scope is every conversation, so every action: no join to narrow it."""
    if roles_for(user).is_hr:
        return Action.objects.all()
    return Action.objects.filter(goal__conversation__in=conversations_countable_by(user))


def may_list_pitfalls(user) -> bool:
    """HR may list what the organization's pitfall counts count (conversations_countable_by,
    actions_countable_by): who, with whom, when and the status, as the coverage pages show
    people. Never a text of a conversation or an action: actions.selectors.*_facts."""
    return roles_for(user).is_hr


def may_follow_up_reports(user) -> bool:
    """The leader's overview of their reports' actions."""
    return roles_for(user).is_leader


def follow_up_leader(user) -> int:
    """The leader whose follow-up overview this user may read: themselves, if they lead.

    The overview (actions.selectors.leader_overview) reads exactly follow_up_reports and
    actions_led_by for this leader, in one query.
    """
    require(may_follow_up_reports(user))
    return roles_for(user).person_id


def follow_up_reports(user) -> QuerySet[Person]:
    """The people on a leader's overview: active direct reports, and anyone with open agreed
    actions in a conversation this leader holds (a shared unit, a change of manager)."""
    from samtale.actions.selectors import OPEN

    roles = roles_for(user)
    if roles.person_id is None:
        return Person.objects.none()
    # Not a correlated subquery: the database runs it once, on the actions' leader index.
    held = Action.objects.filter(
        leader_id=roles.person_id, followed=True, status__literal_in=OPEN
    ).values("employee_id")
    return Person.objects.filter(
        Q(manager_id=roles.person_id) | Q(pk__in=held), is_active=True
    ).exclude(pk=roles.person_id)


def get_goal_for(user, pk) -> Goal:
    """A goal of a conversation the user is a party to; 404 otherwise."""
    try:
        return Goal.objects.select_related("conversation").get(
            pk=pk, conversation__in=conversations_visible_to(user)
        )
    except (Goal.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_action_for(user, pk) -> Action:
    try:
        return Action.objects.select_related("goal__conversation").get(
            pk=pk, goal__conversation__in=conversations_visible_to(user)
        )
    except (Action.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# Rounds ----------------------------------------------------------------------
#
# HR runs rounds for any units; a leader for the people in their own line. A
# leader who holds conversations in a round sees that round (its counts and the
# people they hold), never the conversations of other leaders.


def may_create_round(user) -> bool:
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader


def may_list_rounds(user) -> bool:
    """Rounds are for HR and leaders: anyone who holds a conversation in one is a leader."""
    return may_create_round(user)


def rounds_visible_to(user) -> QuerySet[Round]:
    """HR: every round. A leader: the rounds they created or hold conversations in."""
    roles = roles_for(user)
    if roles.person_id is None:
        return Round.objects.none()
    if roles.is_hr:
        return Round.objects.all()
    if not roles.is_leader:
        return Round.objects.none()
    holding = Participant.objects.filter(holder_id=roles.person_id).values("round_id")
    return Round.objects.filter(Q(created_by_id=roles.person_id) | Q(pk__in=holding))


def may_manage_round(user, round: Round) -> bool:
    """Change the round, its participants and who holds what: HR, or the leader who made it."""
    roles = roles_for(user)
    return roles.is_hr or (roles.person_id is not None and round.created_by_id == roles.person_id)


def get_round_for(user, pk, *, write: bool = False) -> Round:
    try:
        round = rounds_visible_to(user).select_related("guide", "created_by").get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_round(user, round))
    return round


def round_people_for(user) -> QuerySet[Person]:
    """Whom a user may put in a round: HR anyone active; a leader the people in their line."""
    roles = roles_for(user)
    if roles.is_hr:
        return Person.objects.filter(is_active=True)
    return Person.objects.filter(is_active=True, pk__in=roles.subordinate_ids)


def holders_for(user) -> QuerySet[Person]:
    """Who a user may give conversations to hold, when planning one or in a round: HR any
    active leader; a leader themselves and the leaders below them."""
    leaders = Person.objects.filter(is_active=True, reports__is_active=True).distinct()
    roles = roles_for(user)
    if roles.is_hr:
        return leaders
    return leaders.filter(Q(pk=roles.person_id) | Q(pk__in=roles.subordinate_ids))


def participants_visible_to(user, round: Round) -> QuerySet[Participant]:
    """Those who manage the round see everyone in it; a leader the people they hold."""
    if may_manage_round(user, round):
        return round.participants.all()
    person_id = roles_for(user).person_id
    if person_id is None:
        return Participant.objects.none()
    return round.participants.filter(holder_id=person_id)


def round_counts_visible_to(user, round: Round) -> QuerySet[RoundCount]:
    """The round's counts (rounds.models.RoundCount) of the participants
    participants_visible_to shows: all of them, or those a leader holds."""
    counts = RoundCount.objects.filter(round_id=round.pk)
    if may_manage_round(user, round):
        return counts
    person_id = roles_for(user).person_id
    if person_id is None:
        return RoundCount.objects.none()
    return counts.filter(holder_id=person_id)


def get_participant_for(user, pk, *, write: bool = False) -> Participant:
    try:
        participant = Participant.objects.select_related("round", "person", "holder").get(
            pk=pk, round__in=rounds_visible_to(user)
        )
    except (Participant.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not participants_visible_to(user, participant.round).filter(pk=participant.pk).exists():
        raise Http404
    if write:
        require(may_manage_round(user, participant.round))
    return participant


def may_schedule(user, round: Round, leader: Person) -> bool:
    """Give windows and take the proposed times for a leader: the leader, or HR."""
    roles = roles_for(user)
    return roles.is_hr or (roles.person_id is not None and roles.person_id == leader.pk)


def get_schedule_leader_for(user, round: Round, pk) -> Person:
    """A leader who holds conversations in the round (404 otherwise), if the user may schedule
    for them (403 otherwise)."""
    try:
        leader = Person.objects.filter(pk=pk, round_holdings__round=round).distinct().get()
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(may_schedule(user, round, leader))
    return leader


def get_window_for(user, pk) -> Window:
    try:
        window = Window.objects.select_related("round", "leader").get(
            pk=pk, round__in=rounds_visible_to(user)
        )
    except (Window.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    require(may_schedule(user, window.round, window.leader))
    return window


def holds_in_open_round(user, employee: Person) -> bool:
    """Whether an open round has given this leader the employee's conversation to hold."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return False
    return Participant.objects.filter(
        person=employee, holder_id=person_id, included=True, round__closed_at__isnull=True
    ).exists()


def may_see_insight(user) -> bool:
    """Figures from people's answers across the organization (Likert results), each only
    for a group the anonymity rule lets through: HR."""
    return roles_for(user).is_hr


def may_see_status(user) -> bool:
    """The status analysis: HR for the whole organization; a leader for the people below them
    in the line (a leader's leader: the units below), once they are at least k
    (SAMTALE_MIN_GROUP), so that a team of two is not a report on two people."""
    from samtale.insight.anonymity import min_group

    roles = roles_for(user)
    return roles.is_hr or len(roles.subordinate_ids) >= min_group()


@dataclass(frozen=True)
class StatusScope:
    """What a user's status analysis may COUNT, never read one by one: HR everyone, a
    leader the people below them in the line (not their own conversations as an employee).
    The figures from answers are not counted from these: they are published per period
    (insight.publication), HR's by unit and a leader's by their line (`leader_id`)."""

    people: QuerySet
    units: QuerySet
    conversations: QuerySet
    actions: QuerySet
    whole_organization: bool
    leader_id: int | None = None


def whole_organization_scope() -> StatusScope:
    """Everything counted: HR's scope, and what the worker counts for HR (insight.tallies)."""
    return StatusScope(
        people=Person.objects.all(),
        units=Unit.objects.all(),
        conversations=Conversation.objects.all(),
        actions=Action.objects.all(),
        whole_organization=True,
    )


def status_scope_of(user) -> StatusScope:
    require(may_see_status(user))
    roles = roles_for(user)
    if roles.is_hr:
        return whole_organization_scope()
    below = roles.subordinate_ids
    people = Person.objects.filter(pk__in=below)
    return StatusScope(
        people=people,
        units=Unit.objects.filter(pk__in=people.values("unit_id")),
        conversations=Conversation.objects.filter(employee_id__in=below),
        actions=Action.objects.filter(goal__conversation__employee_id__in=below),
        whole_organization=False,
        leader_id=roles.person_id,
    )


def leadership_snapshots_visible_to(user) -> QuerySet:
    """Upward feedback (insight.leadership): a leader's own, and that of the leaders who
    report to them; never HR's or anyone else's. Frozen aggregates for at least k people."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return LeadershipSnapshot.objects.none()
    return LeadershipSnapshot.objects.filter(
        Q(leader_id=person_id) | Q(leader__manager_id=person_id)
    )


def may_see_leadership(user) -> bool:
    """The upward feedback page: a leader, for the feedback about them and the leaders who
    report to them (nothing until a round closes). Someone who leads nobody any more no
    longer reaches their old snapshots; the check costs no query on every page."""
    return roles_for(user).is_leader


def may_see_any_insight(user) -> bool:
    """Whether the Insight menu leads anywhere for this user."""
    return may_see_status(user) or may_see_leadership(user)


# The shared-needs register ----------------------------------------------


def may_list_needs(user) -> bool:
    """The register: HR for the organization, a leader for the units of the people below
    them in the line."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_leader


def needs_visible_to(user) -> QuerySet[Need]:
    """Needs in the register a user may see, change and merge (never the conversations that
    raised them): HR all; a leader those raised in conversations held by them or by a leader
    below them. Not by the unit: a line manager newly put over someone (by an administrator,
    say) must not read what was shared from conversations held before them."""
    roles = roles_for(user)
    if roles.is_hr:
        return Need.objects.all()
    if not roles.is_leader:
        return Need.objects.none()
    line = {roles.person_id, *roles.subordinate_ids}
    raised_in_line = RaisedNeed.objects.filter(
        need_id=OuterRef("pk"), conversation__leader_id__in=line
    )
    return Need.objects.filter(Exists(raised_in_line))


def get_need_for(user, pk) -> Need:
    try:
        return needs_visible_to(user).select_related("unit").get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def raised_needs_visible_to(user, conversation: Conversation) -> QuerySet[RaisedNeed]:
    """The needs raised in a conversation: its two parties only."""
    if conversation.party(user) is None:
        return RaisedNeed.objects.none()
    return RaisedNeed.objects.filter(conversation=conversation)


def get_raised_need_for(user, conversation: Conversation, pk) -> RaisedNeed:
    try:
        return raised_needs_visible_to(user, conversation).get(pk=pk)
    except (RaisedNeed.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def rounds_countable_by(user) -> QuerySet[Round]:
    """The rounds a user's status analysis may be shown for: HR every round, a leader those
    with someone of their line in them."""
    roles = roles_for(user)
    if roles.is_hr:
        return Round.objects.all()
    in_line = Participant.objects.filter(person_id__in=roles.subordinate_ids).values("round_id")
    return Round.objects.filter(pk__in=in_line)


def may_see_coverage(user) -> bool:
    """Who is missing a signed conversation within the required interval: HR only."""
    return roles_for(user).is_hr


# The archive ----------------------------------------------------------------


def may_work_archive(user) -> bool:
    """The archive staff (arkiv): the queue of signed follow-up forms for the personnel file.
    Every read of a form there is audited."""
    return roles_for(user).is_archivist


def signed_forms_visible_to(user) -> QuerySet[SignedForm]:
    """The signed follow-up forms a user may read: the two parties their own conversation's,
    the archive staff every one. Nobody else: not HR, not the leader's leader, not an
    administrator, whatever the conclusion shares (what it shares is read as text, on
    the shared conclusions page)."""
    roles = roles_for(user)
    if roles.person_id is None:
        return SignedForm.objects.none()
    forms = SignedForm.objects.exclude(conversation__status=Conversation.Status.CANCELLED)
    if roles.is_archivist:
        return forms
    return forms.filter(
        Q(conversation__employee_id=roles.person_id) | Q(conversation__leader_id=roles.person_id)
    )


def get_signed_form_for(user, pk) -> SignedForm:
    form = signed_forms_visible_to(user).select_related("conversation").filter(pk=pk).first()
    if form is None:
        raise Http404
    return form


def deliveries_visible_to(user) -> QuerySet[Delivery]:
    if not may_work_archive(user):
        return Delivery.objects.none()
    return Delivery.objects.all()


def get_delivery_for(user, pk) -> Delivery:
    delivery = deliveries_visible_to(user).select_related("form").filter(pk=pk).first()
    if delivery is None:
        raise Http404
    return delivery


# The audit log ---------------------------------------------------------------


def may_search_audit(user) -> bool:
    """Search the whole audit log by person, kind and period: HR and administrators. It
    holds who did what to which object, when and from where; never content."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def audit_entries_visible_to(user) -> QuerySet[AuditEntry]:
    if not may_search_audit(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.all()


def may_see_reads_of_my_conversations(user) -> bool:
    """Everyone signed in sees who outside their conversations has read them."""
    return roles_for(user).person_id is not None


# Reads of a conversation's content by someone outside its two parties (core.audit_reads);
# "summary.shared.read" was HR's before the reads had one action.
READ_ACTIONS = ("conversation.read", "summary.shared.read")


def reads_of_my_conversations(user) -> QuerySet[AuditEntry]:
    """Every recorded read of the content of the user's own conversations (those where they
    are the employee) by someone outside the two parties: who, when, what and in which role.
    The leader sees theirs as an employee, never those of the conversations they hold."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return AuditEntry.objects.none()
    mine = (
        Conversation.objects.filter(employee_id=person_id)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return AuditEntry.objects.filter(
        action__in=READ_ACTIONS,
        object_type=Conversation._meta.label_lower,
        object_id__in=mine,
    ).exclude(actor_id=person_id)


# Privacy: legal holds, retention and each person's copy of their data ----------------------


def may_set_legal_hold(user) -> bool:
    """Put a person's conversations on legal hold (kept from deletion), and release it: HR."""
    return roles_for(user).is_hr


def legal_holds_visible_to(user) -> QuerySet[LegalHold]:
    """Every legal hold, active and released, with why: HR, who sets them."""
    if not may_set_legal_hold(user):
        return LegalHold.objects.none()
    return LegalHold.objects.all()


def may_read_retention(user) -> bool:
    """The retention policy's runs (counts only) and who is on legal hold: HR."""
    return roles_for(user).is_hr


def retention_runs_visible_to(user) -> QuerySet[RetentionRun]:
    if not may_read_retention(user):
        return RetentionRun.objects.none()
    return RetentionRun.objects.all()


def may_export_for(user, person: Person) -> bool:
    """Ask for the copy of everything Samtale holds about a person, on their request (GDPR
    art. 15): HR, for anyone but themselves (their own copy is on their profile, like
    everyone's). The copy goes to the person only, never to HR: no function here gives HR
    the copy or what opens it. Audited, with the reason kept (AccessCopy)."""
    roles = roles_for(user)
    return roles.is_hr and roles.person_id != person.pk


def access_copies_visible_to(user) -> QuerySet[AccessCopy]:
    """HR's requests for copies and how far each got (waiting, downloaded when, expired,
    locked): HR. The copy is in none of them: it is built when the person downloads it."""
    if not may_set_legal_hold(user):
        return AccessCopy.objects.none()
    return AccessCopy.objects.all()


def get_own_access_copy_for(user, pk) -> AccessCopy:
    """A copy of the user's own data waiting in their account, to download: the person's
    alone. Not found for anyone else, whatever their role: HR who asked for it, the
    person's leaders, an administrator."""
    person_id = roles_for(user).person_id
    if person_id is None:
        raise Http404
    try:
        return AccessCopy.objects.get(
            pk=pk, person_id=person_id, channel=AccessCopy.Channel.ACCOUNT
        )
    except (AccessCopy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_access_copy_by_link(token: str) -> AccessCopy:
    """The copy a one-time link names (privacy.links), found by its token's digest; not found
    for any other token. The link alone opens nothing: the code is asked for
    (may_collect_by_link), and the page does not say whose copy it is."""
    if not token or len(token) > links.TOKEN_MAX:
        raise Http404
    copy = (
        AccessCopy.objects.filter(
            channel=AccessCopy.Channel.LINK, token_hash=links.token_digest(token)
        )
        .select_related("person")
        .first()
    )
    if copy is None:
        raise Http404
    return copy


def may_collect_by_link(copy: AccessCopy, code: str) -> bool:
    """Whoever has the link and the code from the second e-mail, both sent to the address the
    person gave, downloads the copy: once, within its time, before too many wrong codes
    locked it (privacy.services.access_copy_collect counts them). Compared in constant time."""
    return copy.channel == AccessCopy.Channel.LINK and links.code_matches(copy, code)


def _refuse_save(*args, **kwargs):
    raise RuntimeError("a data subject's view of a person is never saved")


def as_data_subject(person: Person) -> Person:
    """The person as this policy sees them when they read their own data (privacy.export):
    signed in and active, and with no role that reads more than their own (HR, administrator,
    archive staff), so that every function here answers with what is theirs as a party, and
    nothing about anyone else. A person who has left keeps the right of access; HR makes their
    copy through this. An in-memory copy that refuses to be saved."""
    subject = copy.copy(person)
    subject.__dict__.pop("_samtale_roles", None)
    subject.is_active = True
    subject.is_hr = subject.is_org_admin = subject.is_archivist = False
    subject.save = _refuse_save
    return subject


def role_changes_about(user) -> QuerySet[RoleChange]:
    """The roles given to or taken from the user: told to them as each happened."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return RoleChange.objects.none()
    return RoleChange.objects.filter(person_id=person_id)


def email_changes_about(user) -> QuerySet[EmailChange]:
    """Changes of the user's own e-mail address: told to both addresses as each happened."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return EmailChange.objects.none()
    return EmailChange.objects.filter(person_id=person_id)


def legal_holds_about(user) -> QuerySet[LegalHold]:
    """The legal holds on the user's own data, with why: what keeps it longer than the policy
    says is theirs to know (GDPR art. 15(1)(d)), so the form that sets one says so."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return LegalHold.objects.none()
    return LegalHold.objects.filter(person_id=person_id)


def may_see_copy_requests_about_me(user) -> bool:
    """Everyone signed in sees, from the moment HR asks, every request for a copy of their
    data: who at HR asked, when and why, and how it reached them (access_copies_about)."""
    return roles_for(user).person_id is not None


def access_copies_about(user) -> QuerySet[AccessCopy]:
    """HR's requests for a copy of the user's data: the one list of them, on the profile's
    "Your data", on "Who has read your conversations" and in the copy itself (export)."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return AccessCopy.objects.none()
    return AccessCopy.objects.filter(person_id=person_id)


def _keys(queryset: QuerySet) -> QuerySet:
    """The primary keys as the audit log writes them (text), for `object_id__in`."""
    return queryset.order_by().annotate(key=Cast("pk", CharField())).values("key")


def audit_entries_about(user) -> QuerySet[AuditEntry]:
    """The audit entries about the user's data: those whose object is the user, a
    conversation they are a party to, its goals, actions and signed forms, and those the user
    made. The log holds kinds and ids, never content."""
    person_id = roles_for(user).person_id
    if person_id is None:
        return AuditEntry.objects.none()
    conversations = conversations_visible_to(user)
    return AuditEntry.objects.filter(
        Q(actor_id=person_id)
        | Q(object_type="org.person", object_id=str(person_id))
        | Q(object_type="conversations.conversation", object_id__in=_keys(conversations))
        | Q(object_type="actions.goal", object_id__in=_keys(goals_visible_to(user)))
        | Q(object_type="actions.action", object_id__in=_keys(actions_visible_to(user)))
        | Q(
            object_type="archive.signedform",
            object_id__in=_keys(SignedForm.objects.filter(conversation__in=conversations)),
        )
    )


# API keys -------------------------------------------------------------------


def api_tokens_visible_to(user) -> QuerySet[ApiToken]:
    """Your own keys; an administrator also sees (and may revoke) every service token."""
    roles = roles_for(user)
    if roles.person_id is None:
        return ApiToken.objects.none()
    if roles.is_admin:
        return ApiToken.objects.filter(Q(person_id=roles.person_id) | Q(kind=ApiToken.Kind.SERVICE))
    return ApiToken.objects.filter(person_id=roles.person_id)


def get_api_token_for(user, pk) -> ApiToken:
    try:
        return api_tokens_visible_to(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
