"""The conversations in a person's copy of their data (privacy.export), read through the
access policy as the person themselves: as the employee, each conversation with everything
they may read in it; as the leader, its facts and only what they wrote themselves.

The conversations come newest first, by the date their headings give (held, else planned),
one not planned yet first of all; within one, what happened comes in the order it happened.
What the person did themselves is "by": "you", which the copy says as "You" in their
language; anyone else by name.

What they may read is gathered once for all their conversations (_Visible), a few queries
whatever their number. For the ZIP the signed forms' PDFs go into its `skjema/`, made now
where the worker has not made them yet; the page in the app links each to the address the
conversation's page links it at (archive's form_pdf), which makes it when it is opened.
"""

from collections import defaultdict
from operator import attrgetter

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from samtale.actions import policy as actions_policy
from samtale.archive import policy as archive_policy
from samtale.archive import services as archive_services
from samtale.conversations import policy as conversations_policy
from samtale.conversations.guidance import LEADER_QUESTIONS
from samtale.conversations.models import Conversation, SummaryRevision, held_or_planned_at_sql
from samtale.guides.likert import SCALE
from samtale.guides.models import localized
from samtale.needs import policy as needs_policy
from samtale.org.models import Person


def conversations_of(subject: Person, files: list | None) -> tuple[list[dict], list[dict]]:
    """(as the employee, as the leader): each conversation `subject` may see, newest first;
    the signed forms' PDFs are added to `files` as (file name, PDF). `files` None: the page
    in the app, which reads no PDF."""
    conversations = (
        conversations_policy.conversations_visible_to(subject)
        .select_related("employee", "leader", "guide_version", "round")
        .order_by(held_or_planned_at_sql().desc(nulls_first=True), "-created_at", "-pk")
    )
    seen = _Visible(subject, pdfs=files is not None)
    as_employee, as_leader = [], []
    for conversation in conversations:
        if conversation.party(subject) == "employee":
            as_employee.append(_as_employee(subject, conversation, seen, files))
        else:
            as_leader.append(_as_leader(subject, conversation, seen))
    return as_employee, as_leader


def at_local(value):
    """Times as Norwegians read them (Europe/Oslo); dates as they are."""
    return timezone.localtime(value) if value else None


def name_of(person: Person | None) -> str | None:
    """The person's full name, or None for no one."""
    return person.full_name if person is not None else None


YOU = "you"


def by(person: Person | None, subject: Person) -> str | None:
    """Who did it, as the copy's reader reads it: "you" (the copy says "You") when it was
    the reader, else the person's full name; None for no one (Samtale itself)."""
    if person is not None and person.pk == subject.pk:
        return YOU
    return name_of(person)


def _facts(conversation: Conversation) -> dict:
    return {
        "id": conversation.pk,
        "kind": conversation.kind,
        "kind_text": conversation.get_kind_display(),
        "status": conversation.status,
        "status_text": conversation.get_status_display(),
        "template": conversation.guide_version.display_name,
        "round": conversation.round.name if conversation.round else None,
        "scheduled_at": at_local(conversation.scheduled_at),
        "duration_minutes": conversation.duration_minutes,
        "place": conversation.place,
        "held_at": at_local(conversation.held_at),
        # The time the pages give it (held, else planned), which the export's headings show.
        "held_or_planned_at": at_local(conversation.held_or_planned_at),
        "signed_at": at_local(conversation.signed_at),
        "postponed": conversation.postponed_count,
        "talk_seconds": {
            "leader": conversation.talk_leader_seconds,
            "employee": conversation.talk_employee_seconds,
        },
        "created_at": at_local(conversation.created_at),
    }


def _themes(conversation: Conversation) -> dict[str, str]:
    return {t["key"]: localized(t.get("title")) for t in conversation.guide_version.themes}


def _note(note, person: Person, themes: dict) -> dict:
    mine = note.preparation.author_id == person.pk
    return {
        "theme_key": note.theme_key,
        "theme": themes.get(note.theme_key, note.theme_key),
        "by": YOU if mine else "leader",
        "text": note.text,
        "shared_at": at_local(note.shared_at),
        "updated_at": at_local(note.updated_at),
    }


SCALE_TEXT = dict(SCALE)


def _answers(answers: list, statements: dict) -> list[dict]:
    return [
        {
            "statement_key": answer.statement_key,
            "statement": statements.get(answer.statement_key, answer.statement_key),
            "value": answer.value,
            "value_text": str(SCALE_TEXT.get(answer.value, answer.value)),
            "answered_at": at_local(answer.answered_at),
        }
        for answer in answers
    ]


def _revision(revision, subject: Person, *, reviewer: bool) -> dict:
    return {
        "number": revision.number,
        "text": revision.text,
        "conclusion": revision.conclusion,
        "conclusion_text": revision.get_conclusion_display() if revision.conclusion else "",
        "shared_outside": revision.shared_outside,
        "reason": revision.reason,
        "proposed_by": by(revision.proposed_by, subject),
        "submitted_at": at_local(revision.submitted_at),
        "approved_at": at_local(revision.approved_at),
        "employee_signed_at": at_local(revision.employee_signed_at),
        "leader_signed_at": at_local(revision.leader_signed_at),
        "withdrawn_at": at_local(revision.withdrawn_at),
        "withdrawn_by": by(revision.withdrawn_by, subject),
        "withdrawn_reason": revision.withdrawn_reason,
        "agreed_goals": revision.agreed_goals,
        # The reviewer's comment while they write it: theirs until they send it.
        "your_unsent_comment": revision.comment if reviewer else "",
        "created_at": at_local(revision.created_at),
    }


def _comment(comment, subject: Person) -> dict:
    return {
        "revision": comment.revision.number,
        "kind": comment.kind,
        "kind_text": comment.get_kind_display(),
        "by": by(comment.author, subject),
        "text": comment.text,
        "at": at_local(comment.at),
    }


def _update(update, subject: Person) -> dict:
    return {
        "from": update.from_status,
        "to": update.to_status,
        "to_text": update.get_to_status_display() if update.to_status else "",
        "comment": update.comment,
        "by": by(update.actor, subject),
        "at": at_local(update.at),
    }


def _need(raised, subject: Person) -> dict:
    return {
        "category": raised.category,
        "category_text": raised.get_category_display(),
        "competence": raised.competence,
        "text": raised.text,
        "cost": raised.cost,
        "shared_with_register": raised.share,
        "by": by(raised.raised_by, subject),
        "at": at_local(raised.created_at),
    }


def _grouped(rows, key) -> dict:
    grouped = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


class _Visible:
    """What the person may read in all their conversations, each kind in one query through
    the access policy, grouped by conversation: a few queries whatever the number of
    conversations, and one per conversation for the summary's revisions (their rule is per
    conversation, as on the pages). `pdfs`: the signed forms' PDFs too (the ZIP); without,
    only whether each has one (the page)."""

    def __init__(self, subject: Person, *, pdfs: bool = True):
        by_conversation = attrgetter("conversation_id")
        self.notes = _grouped(
            conversations_policy.all_notes_visible_to(subject).select_related("preparation"),
            attrgetter("preparation.conversation_id"),
        )
        self.preparations = {
            p.conversation_id: p for p in conversations_policy.preparations_of(subject)
        }
        self.likert = _grouped(
            conversations_policy.likert_answers_given_by(subject).order_by("statement_key"),
            by_conversation,
        )
        self.about_leader = _grouped(
            conversations_policy.leadership_answers_given_by(subject).order_by("statement_key"),
            by_conversation,
        )
        self.feedback = {
            f.conversation_id: f for f in conversations_policy.feedback_given_by(subject)
        }
        self.comments = _grouped(
            conversations_policy.all_summary_comments_visible_to(subject)
            .select_related("author", "revision")
            .order_by("at", "pk"),
            attrgetter("revision.conversation_id"),
        )
        self.history = _grouped(
            conversations_policy.status_changes_visible_to(subject).select_related("actor"),
            by_conversation,
        )
        self.needs = _grouped(
            needs_policy.all_raised_needs_visible_to(subject).select_related("raised_by"),
            by_conversation,
        )
        self.goals = _grouped(
            actions_policy.goals_visible_to(subject).select_related("serves"), by_conversation
        )
        self.actions = _grouped(actions_policy.actions_visible_to(subject), attrgetter("goal_id"))
        self.updates = _grouped(
            actions_policy.action_updates_visible_to(subject)
            .select_related("actor")
            .order_by("at", "pk"),
            attrgetter("action_id"),
        )
        # Which revision of each summary is the one being written (the latest not withdrawn):
        # their numbers and times only, for summary_revisions_visible_to's `current`.
        self.current = {}
        for revision in (
            SummaryRevision.objects.filter(
                conversation__in=conversations_policy.conversations_visible_to(subject),
                withdrawn_at__isnull=True,
            )
            .only("pk", "conversation_id", "number", "submitted_at", "withdrawn_at")
            .order_by("conversation_id", "number")
        ):
            self.current[revision.conversation_id] = revision
        self._forms_and_times(subject, pdfs=pdfs)

    def _forms_and_times(self, subject: Person, *, pdfs: bool) -> None:
        """The signed forms, and the other times proposed in the app, open now."""
        by_conversation = attrgetter("conversation_id")
        forms = archive_policy.signed_forms_visible_to(subject).order_by("created_at", "pk")
        if not pdfs:
            forms = forms.defer("pdf").annotate(
                has_pdf=ExpressionWrapper(Q(pdf__isnull=False), output_field=BooleanField())
            )
        self.forms = _grouped(forms, by_conversation)
        self.proposals = _grouped(
            conversations_policy.all_time_proposals_visible_to(subject).order_by(
                "created_at", "pk"
            ),
            by_conversation,
        )


def _as_employee(subject: Person, c: Conversation, seen: _Visible, files: list | None) -> dict:
    """A conversation of the employee's, with everything they may read in it."""
    themes = _themes(c)
    statements = {s["key"]: localized(s.get("text")) for s in c.guide_version.statements()}
    reviewer = conversations_policy.may_review_summary(subject, c)
    own = seen.preparations.get(c.pk)
    forms = _signed_forms(seen.forms[c.pk], files)
    feedback = seen.feedback.get(c.pk)
    return {
        **_facts(c),
        "leader": name_of(c.leader),
        "history": [
            {
                "from": change.from_status,
                "to": change.to_status,
                "to_text": change.get_to_status_display(),
                "reason": change.reason,
                "by": by(change.actor, subject),
                "at": at_local(change.at),
            }
            for change in seen.history[c.pk]
        ],
        "preparation_shared_at": at_local(own.shared_at) if own else None,
        "notes": sorted(  # their own first, then what the leader shared
            (_note(note, subject, themes) for note in seen.notes[c.pk]),
            key=lambda note: (note["by"] != "you", note["theme_key"]),
        ),
        "likert": _answers(seen.likert[c.pk], statements),
        "about_leader": _answers(seen.about_leader[c.pk], statements),
        "summaries": [
            _revision(revision, subject, reviewer=reviewer)
            for revision in conversations_policy.summary_revisions_visible_to(
                subject, c, current=seen.current.get(c.pk)
            )
            .select_related("proposed_by", "withdrawn_by")
            .order_by("number")
        ],
        "comments": [_comment(comment, subject) for comment in seen.comments[c.pk]],
        "feedback": {
            "rating": feedback.rating,
            "comment": feedback.comment,
            "at": at_local(feedback.at),
        }
        if feedback
        else None,
        "goals": [_goal(goal, seen, subject) for goal in seen.goals[c.pk]],
        "needs": [_need(raised, subject) for raised in seen.needs[c.pk]],
        "signed_forms": forms,
        "time_proposals": [_proposal(p, c, subject) for p in seen.proposals[c.pk]],
    }


def _proposal(proposal, c: Conversation, subject: Person) -> dict:
    """Other times proposed in the app, open now: the times and the message (emptied when
    the proposal closes, so only open ones are held). By "you", or the other party by name
    (not "the employee": the reader is the employee)."""
    proposer = c.employee if proposal.party == "employee" else c.leader
    return {
        "by": by(proposer, subject),
        "times": [at_local(start) for start in proposal.starts],
        "message": proposal.message,
        "at": at_local(proposal.created_at),
    }


def _signed_forms(forms, files: list | None) -> list[dict]:
    """The conversation's signed forms. For the ZIP (`files`), the PDF of each is added to
    `files` under skjema/, which the form's entry names: made now if the worker has not made
    it yet (archive.services.signed_form_render, as the conversation's page does when it is
    opened). A PDF that cannot be made now has no file; `pdf_failed` says so, and the
    worker makes it on its next round. For the page (`files` None), whether each has one."""
    entries = []
    for form in forms:
        made = form.has_pdf if files is None else archive_services.signed_form_render(form=form)
        name = f"skjema/{form.filename}" if made else None
        if files is not None and name:
            files.append((name, bytes(form.pdf)))
        entries.append(
            {
                "id": form.pk,
                "revision": form.number,
                "created_at": at_local(form.created_at),
                "fingerprint": form.fingerprint,
                "file": name,
                # The ZIP tried to make it just now; the page says what the last try said.
                "pdf_failed": not made and (files is not None or bool(form.render_error)),
                "content": form.content,
            }
        )
    return entries


def _goal(goal, seen: _Visible, subject: Person) -> dict:
    """A goal with its result and its actions, each with the history of its updates."""
    return {
        "id": goal.pk,
        "text": goal.text,
        "result": goal.result,
        "result_text": goal.get_result_display() if goal.result else "",
        "learned": goal.learned,
        "reviewed_at": at_local(goal.reviewed_at),
        "serves": goal.serves.title if goal.serves_id else "",
        "actions": [
            {
                "id": action.pk,
                "text": action.text,
                "deadline": action.deadline,
                "responsible": action.responsible,
                "responsible_text": action.get_responsible_display(),
                "status": action.status,
                "status_text": action.get_status_display(),
                "added_after_signing": action.added_after_signing,
                "competence": action.competence,
                "competence_text": action.get_competence_display() if action.competence else "",
                "cost": action.cost,
                "history": [_update(u, subject) for u in seen.updates[action.pk]],
            }
            for action in seen.actions[goal.pk]
        ],
    }


def _as_leader(subject: Person, c: Conversation, seen: _Visible) -> dict:
    """A conversation the person holds as the leader: its facts and what they wrote, never
    the employee's own content."""
    themes = _themes(c)
    own = seen.preparations.get(c.pk)
    checklist = own.checklist if own else []
    mine = subject.pk
    revisions = (
        conversations_policy.summary_revisions_visible_to(
            subject, c, current=seen.current.get(c.pk)
        ).order_by("number")
        if conversations_policy.may_review_summary(subject, c)
        else []
    )
    return {
        **_facts(c),
        "employee": name_of(c.employee),
        "your_notes": sorted(
            (
                _note(note, subject, themes)
                for note in seen.notes[c.pk]
                if note.preparation.author_id == mine
            ),
            key=lambda note: note["theme_key"],
        ),
        "your_checklist": [
            str(LEADER_QUESTIONS[i]) for i in checklist if 0 <= i < len(LEADER_QUESTIONS)
        ],
        "your_comments": [_comment(m, subject) for m in seen.comments[c.pk] if m.author_id == mine],
        # As the reviewer, their comment on a revision while they wrote it, not sent.
        "your_unsent_comments": [
            {"revision": revision.number, "text": revision.comment}
            for revision in revisions
            if revision.comment
        ],
        "your_action_comments": [
            {"action": action.pk, **_update(update, subject)}
            for goal in seen.goals[c.pk]
            for action in seen.actions[goal.pk]
            for update in seen.updates[action.pk]
            if update.actor_id == mine and update.comment
        ],
        "your_needs": [_need(n, subject) for n in seen.needs[c.pk] if n.raised_by_id == mine],
        "your_time_proposals": [
            _proposal(p, c, subject) for p in seen.proposals[c.pk] if p.party == "leader"
        ],
    }
