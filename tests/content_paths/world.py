"""Conversations at every stage, every text a distinct marker, in a round."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock

from django.test import override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samtale.actions import agreement
from samtale.actions import services as goals
from samtale.actions.jobs import action_digests
from samtale.actions.models import Action, Goal
from samtale.actions.nudges import SLUGS
from samtale.api import tokens as api_tokens
from samtale.api.models import ApiToken
from samtale.archive.models import Delivery, SignedForm
from samtale.conversations import free_times
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle, meeting, preparation, proposals, summary
from samtale.core.holidays import working_day
from samtale.core.pickers import SOURCES
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.home import guide
from samtale.needs import services as needs
from samtale.needs.models import Need, RaisedNeed
from samtale.org.models import EmailChange, ImportBatch, LeaderChange, Person, Unit
from samtale.priorities.models import Priority
from samtale.privacy import services as privacy
from samtale.privacy.models import AccessCopy
from samtale.rounds import booking
from samtale.rounds import jobs as round_jobs
from samtale.rounds import services as rounds
from samtale.rounds.models import Participant, Round, Window
from samtale.signing import services as signing
from tests.content_paths.markers import Markers, exposed, mail_text, markers_in

# A mailbox the administrator reads: where they would send what they must not see.
ADMIN_MAILBOX = "adam.privat@admin-controlled.example"

# Content markers, and what a reader is given: markers.py ---------------------------

__all__ = ["Markers", "build_world", "exposed", "mail_text", "markers_in"]


# The content: conversations at every stage, in a round ---------------------------


@dataclass
class World:
    markers: Markers
    conversations: dict[str, int]  # A: signed, B: corrected, C: preparing, D: held, …
    fill: dict[str, int]  # the unit and the person the pages' filters ask about
    extra_ids: dict[str, list] = field(default_factory=dict)

    def ids(self) -> dict[str, list]:
        """Every id of every kind, read now: the walk fills each URL's kwargs from these."""
        return {**stored_ids(), **self.extra_ids}


def stored_ids() -> dict[str, list]:
    """The id of every row of each kind kept in the database, read now."""
    return {
        "conversation": list(Conversation.objects.values_list("pk", flat=True)),
        "goal": list(Goal.objects.values_list("pk", flat=True)),
        "action": list(Action.objects.values_list("pk", flat=True)),
        "person": list(Person.objects.values_list("pk", flat=True)),
        "unit": list(Unit.objects.values_list("pk", flat=True)),
        "import": list(ImportBatch.objects.values_list("pk", flat=True)),
        "guide": list(Guide.objects.values_list("pk", flat=True)),
        "round": list(Round.objects.values_list("pk", flat=True)),
        "participant": list(Participant.objects.values_list("pk", flat=True)),
        "window": list(Window.objects.values_list("pk", flat=True)),
        "email_change": list(EmailChange.objects.values_list("pk", flat=True)),
        "need": list(Need.objects.values_list("pk", flat=True)),
        "raised_need": list(RaisedNeed.objects.values_list("pk", flat=True)),
        "signed_form": list(SignedForm.objects.values_list("pk", flat=True)),
        "delivery": list(Delivery.objects.values_list("pk", flat=True)),
        "api_token": list(ApiToken.objects.values_list("pk", flat=True)),
        "access_copy": list(AccessCopy.objects.values_list("pk", flat=True)),
        "leader_change": list(LeaderChange.objects.values_list("pk", flat=True)),
        "priority": list(Priority.objects.values_list("pk", flat=True)),
    }


# Digests, invitations, reminders and notices, as the scheduler runs them each morning.
DAILY_JOBS = (
    action_digests,
    round_jobs.invite_due,
    round_jobs.remind_prepare,
    round_jobs.notify_unscheduled,
)


def _at(days: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, clock(9, 0)))


def _version(key: str) -> GuideVersion:
    return Guide.objects.get(key=key).versions.order_by("-number").first()


def _summarize(c, m, key, *, drafter, reviewer, conclusion, shared=True, sign=True):
    """The drafter writes, concludes (sharing a text outside, or not) and sends; the reviewer
    comments; then, if `sign`, approves and both sign."""
    c = _fresh(c)
    current = summary.summary_current(c)
    text = m(f"{key}-summary", by=drafter)
    summary.summary_save(actor=drafter, conversation=c, text=text, base_version=current.version)
    shared = m(f"{key}-shared-outside", by=drafter) if shared else ""
    summary.summary_conclusion_set(
        actor=drafter, conversation=c, conclusion=conclusion, shared_outside=shared
    )
    summary.summary_submit(actor=drafter, conversation=c)
    comment, version = m(f"{key}-review-comment", by=reviewer), current.comment_version
    summary.summary_comment_save(actor=reviewer, conversation=c, text=comment, base_version=version)
    if sign:
        summary.summary_approve(actor=reviewer, conversation=_fresh(c))
        signing.conversation_sign(actor=drafter, conversation=_fresh(c))
        signing.conversation_sign(actor=reviewer, conversation=_fresh(c))


def _send_back(c, m, key, *, drafter, reviewer):
    """The drafter sends the draft as it is; the reviewer sends a comment on it, then sends it
    back with another: both comments stay in the revision's record."""
    current = summary.summary_current(_fresh(c))
    summary.summary_submit(actor=drafter, conversation=_fresh(c))
    for label, send in (("comment-sent", summary.summary_comment_send), ("sent-back", None)):
        current.refresh_from_db()
        summary.summary_comment_save(
            actor=reviewer,
            conversation=_fresh(c),
            text=m(f"{key}-{label}", by=reviewer),
            base_version=current.comment_version,
        )
        (send or summary.summary_send_back)(actor=reviewer, conversation=_fresh(c))


def _goal(c, actor, m, key, *, deadline=None, responsible="both") -> Goal:
    """A goal with its first action, both marked."""
    return agreement.goal_add(
        actor=actor,
        conversation=_fresh(c),
        text=m(f"{key}-goal", by=actor),
        action_text=m(f"{key}-action", by=actor),
        deadline=deadline,
        responsible=responsible,
    )


def _fresh(c: Conversation) -> Conversation:
    return Conversation.objects.select_related("employee", "leader", "guide_version").get(pk=c.pk)


def _note(c, author, theme, text):
    preparation.note_save(actor=author, conversation=c, theme_key=theme, text=text, base_version=0)


def build_world(people) -> World:
    """Conversations A–F with a marker in every text, in HR's round over the school."""
    m = Markers(people)
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    form8, basic, checkin = _version("skjema-8-tema"), _version("grunnmal"), _version("innsjekk")
    employee, leader, hr = people.employee, people.leader, people.hr
    today = timezone.localdate()
    round_ = rounds.round_create(
        actor=hr,
        name="Medarbeidersamtaler",
        period_start=today,
        period_end=today + timedelta(days=120),
        kind="annual",
        guide=form8.guide,
        units=[Unit.objects.get(code="E")],
    )

    def plan(key, *, emp=employee, lead=leader, version=form8, days):
        return lifecycle.conversation_plan(
            actor=lead,
            employee=emp,
            leader=lead,
            guide_version=version,
            scheduled_at=_at(days),
            place=m(f"{key}-place", by=lead, replaced=key == "C"),
            round=round_,
        )

    # A: signed; shares a text outside the two; followed up; the employee's feedback.
    a = plan("A", days=5)
    _followed_up(a, people, m, *_held_with_goals_and_needs(a, people, m))
    # B: signed, then corrected and signed again; each revision shares something else.
    b = plan("B", days=3)
    _corrected(b, people, m)
    # E: invited, prepared, then cancelled with a reason. Before C: one open annual
    # conversation at a time for the same two people.
    e = plan("E", days=12)
    _cancelled(e, people, m)
    # C: in preparation (the basic template with Likert statements); postponed and moved.
    c = plan("C", version=basic, days=8)
    _postponed_and_moved(c, people, m, basic)
    # D: held; the summary sent for comment and commented, not agreed yet (other people).
    d = plan("D", emp=people.other_employee, lead=people.other_leader, days=4)
    _commented(d, people, m)
    # F: a check-in of the leader with their own leader, who writes the summary; signed.
    f = plan("F", emp=leader, lead=people.leaders_leader, version=checkin, days=6)
    _check_in(f, people, m)
    _round_filled(round_, people, m, {employee: c, people.other_employee: d, leader: f})
    _keys_and_a_copy(people)
    for job in DAILY_JOBS:
        job.call()
    m.locate()
    return World(
        markers=m,
        conversations={"A": a.pk, "B": b.pk, "C": c.pk, "D": d.pk, "E": e.pk, "F": f.pk},
        fill={"unit": employee.unit_id, "person": employee.pk},
        extra_ids=_extra_ids(people),
    )


def _held_with_goals_and_needs(a, people, m) -> tuple[Goal, Goal]:
    """A prepared by both (the employee's notes shared), met with the leader's tools, two
    goals agreed and two needs raised, then held: its two goals."""
    employee, leader = people.employee, people.leader
    today = timezone.localdate()
    lifecycle.conversation_invite(actor=leader, conversation=a)
    _note(a, employee, "motivasjon", m("A-employee-note-motivasjon", by=employee))
    _note(a, employee, "ledelse", m("A-employee-note-ledelse", by=employee))
    preparation.preparation_share_all(actor=employee, conversation=_fresh(a))
    _note(a, leader, "motivasjon", m("A-leader-note-private", by=leader, private=True))
    _note(a, leader, "arbeidsplassens-mal", m("A-leader-workplace-goals", by=leader, private=True))
    preparation.leader_checklist_set(actor=leader, conversation=a, done=[0, 3])
    meeting.theme_cover_set(actor=leader, conversation=a, theme_key="motivasjon", covered=True)
    meeting.closing_step_set(actor=leader, conversation=a, step=1, done=True)
    meeting.talk_time_record(actor=leader, conversation=a, leader_seconds=6, employee_seconds=14)
    soon, later = today + timedelta(days=2), today + timedelta(days=20)
    goal_1 = _goal(a, employee, m, "A-1", deadline=soon, responsible="employee")
    goal_2 = _goal(a, leader, m, "A-2", deadline=later, responsible="leader")
    # Two needs raised: one the conclusion shares with the register, one kept in the two.
    shared_need = needs.need_raise(
        actor=employee,
        conversation=_fresh(a),
        category="equipment",
        text=m("A-need-shared", by=employee),
        cost=1000,
        unit=employee.unit,
    )
    needs.need_share_set(actor=leader, raised=shared_need, share=True)
    needs.need_raise(
        actor=leader,
        conversation=_fresh(a),
        category="routine",
        text=m("A-need-kept", by=leader),
        cost=None,
        unit=employee.unit,
    )
    lifecycle.conversation_hold(actor=leader, conversation=_fresh(a), confirmed=True)
    return goal_1, goal_2


def _followed_up(a, people, m, goal_1: Goal, goal_2: Goal) -> None:
    """A summarized and signed, its actions updated and added to, a goal reviewed, the
    employee's feedback given, and the first action overdue."""
    employee, leader = people.employee, people.leader
    today = timezone.localdate()
    _summarize(a, m, "A", drafter=employee, reviewer=leader, conclusion="actions")
    action_1, action_2 = (Action.objects.get(goal=g.pk) for g in (goal_1, goal_2))
    goals.action_update(
        actor=employee,
        action=action_1,
        status="in_progress",
        comment=m("A-update-employee", by=employee),
    )
    goals.action_update(
        actor=leader, action=action_2, status=None, comment=m("A-update-leader", by=leader)
    )
    agreement.action_add(
        actor=leader,
        goal=goal_1,
        text=m("A-action-after-signing", by=leader),
        deadline=None,
        responsible="both",
    )
    goals.goal_review(
        actor=leader,
        goal=Goal.objects.get(pk=goal_2.pk),
        result="partly",
        learned=m("A-learned", by=leader),
    )
    summary.feedback_give(
        actor=employee,
        conversation=_fresh(a),
        rating=4,
        comment=m("A-feedback-comment", by=employee),
    )
    # Time passes: the first action is overdue, so the leader's digest has something to say.
    Action.objects.filter(pk=action_1.pk).update(deadline=today - timedelta(days=3))


def _corrected(b, people, m) -> None:
    """B signed, then corrected, sent back and signed again."""
    employee, leader = people.employee, people.leader
    _note(b, employee, "delekultur", m("B-employee-note", by=employee))
    preparation.preparation_share_all(actor=employee, conversation=_fresh(b))
    _note(b, leader, "delekultur", m("B-leader-note-shared", by=leader))
    preparation.preparation_share_all(actor=leader, conversation=_fresh(b))
    lifecycle.conversation_hold(actor=leader, conversation=_fresh(b), confirmed=True)
    _summarize(b, m, "B-v1", drafter=employee, reviewer=leader, conclusion="no_actions")
    summary.summary_revise(
        actor=employee, conversation=_fresh(b), reason=m("B-correction-reason", by=employee)
    )
    # The correction is sent, commented on, sent back with a comment, then agreed and signed.
    _send_back(b, m, "B-v2", drafter=employee, reviewer=leader)
    _summarize(b, m, "B-v2", drafter=employee, reviewer=leader, conclusion="no_actions")


def _cancelled(e, people, m) -> None:
    """E invited, prepared and shared, then cancelled with a reason."""
    employee, leader = people.employee, people.leader
    lifecycle.conversation_invite(actor=leader, conversation=e)
    _note(e, employee, "rolleklarhet", m("E-employee-note-shared", by=employee))
    preparation.preparation_share_all(actor=employee, conversation=_fresh(e))
    lifecycle.conversation_cancel(
        actor=leader, conversation=_fresh(e), reason=m("E-cancel-reason", by=leader)
    )


def _postponed_and_moved(c, people, m, basic) -> None:
    """C in preparation: a draft note, every Likert statement answered, the leader's note
    shared, a draft goal; postponed and moved."""
    employee, leader = people.employee, people.leader
    lifecycle.conversation_invite(actor=leader, conversation=c)
    _note(c, employee, "styrker", m("C-employee-note-draft", by=employee, private=True))
    for value, statement in enumerate(basic.statements(), start=1):
        preparation.likert_answer(
            actor=employee, conversation=c, statement_key=statement["key"], value=value % 5 + 1
        )
    _note(c, leader, "styrker", m("C-leader-note-shared", by=leader))
    preparation.preparation_share_all(actor=leader, conversation=_fresh(c))
    _goal(c, employee, m, "C-draft")
    lifecycle.conversation_postpone(
        actor=leader, conversation=_fresh(c), reason=m("C-postpone-reason", by=leader)
    )
    lifecycle.conversation_schedule(
        actor=leader,
        conversation=_fresh(c),
        scheduled_at=_at(9),
        duration_minutes=90,
        place=m("C-place-moved", by=leader),
    )
    # The employee asks for another time, with a message only the two of them read.
    starts = free_times.free_times(conversation=_fresh(c), now=timezone.now())[:2]
    proposals.time_proposal_make(
        actor=employee,
        conversation=_fresh(c),
        starts=starts,
        message=m("C-time-proposal-message", by=employee),
    )


def _commented(d, people, m) -> None:
    """D held by the other leader; its summary sent for comment and commented."""
    lifecycle.conversation_invite(actor=people.other_leader, conversation=d)
    _note(
        d,
        people.other_employee,
        "motivasjon",
        m("D-employee-note-shared", by=people.other_employee),
    )
    preparation.preparation_share_all(actor=people.other_employee, conversation=_fresh(d))
    _note(
        d,
        people.other_leader,
        "motivasjon",
        m("D-leader-note-private", by=people.other_leader, private=True),
    )
    _goal(d, people.other_leader, m, "D", responsible="leader")
    lifecycle.conversation_hold(actor=people.other_leader, conversation=_fresh(d), confirmed=True)
    _summarize(
        d,
        m,
        "D",
        drafter=people.other_employee,
        reviewer=people.other_leader,
        conclusion="actions",
        sign=False,
    )


def _check_in(f, people, m) -> None:
    """F, the leader's check-in with their own leader: held, summarized by the leader's
    leader, signed, and nothing shared outside the two."""
    leader = people.leader
    _note(f, leader, "siden-sist", m("F-employee-note-shared", by=leader))
    preparation.preparation_share_all(actor=leader, conversation=_fresh(f))
    _note(
        f,
        people.leaders_leader,
        "siden-sist",
        m("F-leader-note-private", by=people.leaders_leader, private=True),
    )
    _goal(f, people.leaders_leader, m, "F", responsible="employee")
    lifecycle.conversation_hold(actor=people.leaders_leader, conversation=_fresh(f), confirmed=True)
    _summarize(
        f,
        m,
        "F",
        drafter=people.leaders_leader,
        reviewer=leader,
        conclusion="actions",
        shared=False,
    )


def _round_filled(round_, people, m, conversations: dict) -> None:
    """The round: its conversations, a window of the leader, someone taken out with a
    reason; and an import batch."""
    leader, hr = people.leader, people.hr
    for person, conversation in conversations.items():
        Participant.objects.filter(round=round_, person=person).update(conversation=conversation)
    # On a working day: the round refuses a window on a day off (core.holidays).
    day = working_day(timezone.localdate() + timedelta(days=20))
    start = timezone.make_aware(datetime.combine(day, clock(9, 0)))
    booking.window_add(
        actor=leader,
        round=round_,
        leader=leader,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        place=m("round-window-place", by=leader),
    )
    rounds.participant_remove(
        actor=hr,
        participant=Participant.objects.get(round=round_, person=people.leaders_leader),
        reason=m("round-removed-reason", by=hr),
    )
    ImportBatch.objects.create(
        kind=ImportBatch.Kind.UNITS, filename="enheter.csv", content=b"x", uploaded_by=people.admin
    )


def _keys_and_a_copy(people) -> None:
    """API keys: the employee's own, and an administrator's service token (the walk's POST
    to revoke them reaches only the keys the walker may see); and the copy of the
    employee's data HR asked for."""
    employee, hr = people.employee, people.hr
    with override_settings(SAMTALE_API_KEYS_FOR_EVERYONE=True):  # made while allowed
        api_tokens.issue(person=employee, name="Skript", scopes=["read"], days=30)
    api_tokens.issue(
        person=people.admin, name="Lønn", scopes=["read"], days=30, kind=ApiToken.Kind.SERVICE
    )
    # HR asked for a copy of the employee's data: it waits in their account, theirs alone
    # (anyone else who asks for it is told it is not there).
    privacy.access_copy_request(
        actor=hr, person=employee, reason="written", note="Bedt om på e-post"
    )


def _extra_ids(people) -> dict:
    """The values of the routes' other arguments, each with one that is not."""
    employee = people.employee
    return {
        # A theme of each template, one only the leader fills in, and one unknown.
        "theme": ["motivasjon", "arbeidsplassens-mal", "styrker", "siden-sist", "ukjent"],
        "uid": [urlsafe_base64_encode(force_bytes(p.pk)) for p in (employee, people.admin)],
        "token": ["bad-token", "set-password"],
        "import_kind": ["people", "units"],
        # The laptop's mail folder (DEBUG only; not found here), and a name outside it.
        "mail_file": ["20261122-101500-000000-abc123.eml", "..settings.py"],
        # Every pitfall's list, and one that is not.
        "pitfall": [*SLUGS.values(), "ukjent"],
        # Every picker's search, and one that is not.
        "pick_source": [*SOURCES, "ukjent"],
        # SCIM's discovery (bearer tokens only: a browser session gets 401).
        "scim_resource_type": ["User", "Group"],
        "scim_schema": ["urn:ietf:params:scim:schemas:core:2.0:User", "ukjent"],
        # No single sign-on is set up here: every provider is unknown.
        "sso_provider": ["entra", "ukjent"],
        # Every page of the user guide, and one that is not.
        "help_page": [*guide.PAGES, "ukjent"],
        # Passkeys (allauth.mfa): nobody here has one.
        "authenticator": [1, 999],
    }
