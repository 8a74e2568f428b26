"""Everything Samtale holds about one person, as a ZIP they can read and reuse (GDPR art. 15
and 20): `index.html` to read, `data.json` with the same, and the signed forms' PDFs under
`skjema/`.

Every part is read through the access policy (core/access.py) as the person themselves,
signed in (policy.as_data_subject), so the copy holds what they may see and nothing more:

- as the employee: each conversation with their own notes and those the leader shared, their
  answers to the statements and about the leader, the summary's revisions they may read
  (and, as the reviewer, their unsent comment), the comments, their feedback, the goals and
  actions with their history, the needs raised, the history of the conversation, and the
  signed forms;
- as the leader: each conversation they hold, its facts, and only what they wrote themselves
  (their notes, checklist, comments, comments on actions, needs they raised); never the
  employee's notes or answers, whatever was shared with them: those are the employee's copy;
- the person's record, roles given and taken, changes of their e-mail address, legal holds on
  their data and HR's requests for a copy of it (each of which reaches the person only, in
  their account or by a one-time link: this ZIP), and the audit entries about them,
  their conversations and what they did (kinds and ids: the log holds no content);
- their calendar connection, if any (samtale.calendars): its kind, the server's host name,
  the user name or mailbox, when it was last read and why it last failed. Never its address
  (a published calendar's opens every event to whoever has it) nor its password: whether
  one is saved, and no more.

The ZIP is stored without compression: the pages and data are small, the PDFs are
compressed already, and the tests that walk every URL for text that must not be there
(tests/content_paths) read the copy's files in the response as they are.
"""

import io
import json
import zipfile
from collections import defaultdict
from operator import attrgetter
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samtale.actions import policy as actions_policy
from samtale.archive import policy as archive_policy
from samtale.calendars import policy as calendars_policy
from samtale.calendars import reasons as calendar_reasons
from samtale.conversations import policy as conversations_policy
from samtale.conversations.guidance import LEADER_QUESTIONS
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.guides.likert import SCALE
from samtale.guides.models import localized
from samtale.needs import policy as needs_policy
from samtale.org import policy as org_policy
from samtale.org.models import Person
from samtale.privacy import policy

# 2: each copy asked for says why from a list ("reason"), in HR's words ("note", the
# "reason" of 1), and how it reached the person. 3: the calendar connection ("calendar").
FORMAT = 3
AUDIT_IN_PAGE = 1000  # the page lists the latest; data.json holds every entry


def filename(day=None) -> str:
    return f"samtale-innsyn-{(day or timezone.localdate()).isoformat()}.zip"


def person_export(person: Person) -> bytes:
    """The ZIP of everything about `person`, in their language."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        data, files = person_data(person)
        page = render_to_string(
            "privacy/export/index.html",
            {"data": data, "audit_shown": data["audit"][-AUDIT_IN_PAGE:]},
        )
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("index.html", page)
        archive.writestr("data.json", text)
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def person_data(person: Person) -> tuple[dict, list[tuple[str, bytes]]]:
    """(the data, [(file name, PDF)]) of everything about `person`; call it in their language."""
    subject = policy.as_data_subject(person)
    files: list[tuple[str, bytes]] = []
    conversations = (
        conversations_policy.conversations_visible_to(subject)
        .select_related("employee", "leader", "guide_version", "round")
        .order_by("created_at", "pk")
    )
    seen = _Visible(subject)
    as_employee, as_leader = [], []
    for conversation in conversations:
        if conversation.party(subject) == "employee":
            as_employee.append(_as_employee(subject, conversation, seen, files))
        else:
            as_leader.append(_as_leader(subject, conversation, seen))
    data = {
        "format": "samtale-innsyn",
        "version": FORMAT,
        "made_at": _at(timezone.now()),
        "language": translation.get_language(),
        "person": _person(Person.objects.select_related("unit", "manager").get(pk=person.pk)),
        "role_changes": [
            {
                "role": change.role,
                "role_text": change.get_role_display(),
                "granted": change.granted,
                "by": _name(change.changed_by),
                "at": _at(change.at),
            }
            for change in org_policy.role_changes_about(subject).select_related("changed_by")
        ],
        "email_changes": [
            {
                "old": change.old_email,
                "new": change.new_email,
                "by": _name(change.changed_by),
                "at": _at(change.at),
                "confirmed_at": _at(change.confirmed_at),
            }
            for change in org_policy.email_changes_about(subject).select_related("changed_by")
        ],
        "legal_holds": [
            {
                "reason": hold.reason,
                "set_at": _at(hold.set_at),
                "set_by": _name(hold.set_by),
                "released_at": _at(hold.released_at),
                "released_by": _name(hold.released_by),
            }
            for hold in policy.legal_holds_about(subject).select_related("set_by", "released_by")
        ],
        "access_copies": [
            {
                "at": _at(copy.at),
                "by": _name(copy.made_by),
                "reason": copy.reason,
                "reason_text": copy.get_reason_display(),
                "note": copy.note,
                "delivery": copy.channel,
                "delivery_text": copy.get_channel_display(),
                "address": copy.address,
                "status": copy.state,
                "status_text": copy.get_state_display(),
                "delivered_at": _at(copy.delivered_at),
                "expires_at": _at(copy.expires_at),
            }
            for copy in policy.access_copies_about(subject).select_related("made_by")
        ],
        "calendar": _calendar(
            calendars_policy.calendar_connections_about(subject)
            .select_related("person", "changed_by")
            .first()
        ),
        "conversations_as_employee": as_employee,
        "conversations_as_leader": as_leader,
        "audit": [
            {
                "at": _at(entry.at),
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "by": "you" if entry.actor_id == person.pk else _name(entry.actor),
                "data": entry.data,
            }
            for entry in policy.audit_entries_about(subject)
            .select_related("actor")
            .order_by("at", "pk")
        ],
    }
    return data, files


def _at(value):
    """Times as Norwegians read them (Europe/Oslo); dates as they are."""
    return timezone.localtime(value) if value else None


def _name(person: Person | None) -> str | None:
    return person.full_name if person is not None else None


def _person(person: Person) -> dict:
    roles = [
        (person.is_hr, "hr", _("HR")),
        (person.is_org_admin, "admin", _("Administrator")),
        (person.is_archivist, "archive", _("Archive staff")),
    ]
    return {
        "id": person.pk,
        "name": person.full_name,
        "email": person.email,
        "employee_number": person.employee_number,
        "job_title": person.job_title,
        "profession_group": person.profession_group,
        "employment_type": person.employment_type,
        "employment_type_text": person.get_employment_type_display(),
        "start_date": person.start_date,
        "end_date": person.end_date,
        "unit": person.unit.name if person.unit else None,
        "manager": _name(person.manager),
        "language": person.language,
        "language_name": person.get_language_display(),
        "active": person.is_active,
        "deactivated_at": _at(person.deactivated_at),
        "roles": [key for held, key, _label in roles if held],
        "roles_text": [str(label) for held, _key, label in roles if held],
        "notices_off": person.notices_off,
        "last_signed_at": _at(person.last_signed_at),
        "created_at": _at(person.created_at),
    }


def _calendar(connection) -> dict | None:
    """The person's calendar connection as its page shows it: the server's host name only
    (shown_url, never the encrypted address, whose path is a published calendar's secret),
    and of the password only whether one is saved."""
    if connection is None:
        return None
    graph = connection.kind == connection.Kind.GRAPH
    return {
        "kind": connection.kind,
        "kind_text": connection.get_kind_display(),
        "server": urlsplit(connection.shown_url).hostname if connection.shown_url else None,
        "username": connection.username or None,
        "password_saved": connection.has_password,
        "mailbox": (connection.mailbox or connection.person.email) if graph else None,
        "changed_at": _at(connection.changed_at),
        "changed_by": "you"
        if connection.changed_by_id == connection.person_id
        else _name(connection.changed_by),
        "last_read_at": _at(connection.last_read_at),
        "last_error": connection.last_error or None,
        "last_error_text": calendar_reasons.reason(connection.last_error)
        if connection.last_error
        else None,
        "last_error_at": _at(connection.last_error_at),
    }


def _facts(conversation: Conversation) -> dict:
    return {
        "id": conversation.pk,
        "kind": conversation.kind,
        "kind_text": conversation.get_kind_display(),
        "status": conversation.status,
        "status_text": conversation.get_status_display(),
        "template": conversation.guide_version.display_name,
        "round": conversation.round.name if conversation.round else None,
        "scheduled_at": _at(conversation.scheduled_at),
        "duration_minutes": conversation.duration_minutes,
        "place": conversation.place,
        "held_at": _at(conversation.held_at),
        # The time the pages give it (held, else planned), which the export's headings show.
        "held_or_planned_at": _at(conversation.held_or_planned_at),
        "signed_at": _at(conversation.signed_at),
        "postponed": conversation.postponed_count,
        "talk_seconds": {
            "leader": conversation.talk_leader_seconds,
            "employee": conversation.talk_employee_seconds,
        },
        "created_at": _at(conversation.created_at),
    }


def _themes(conversation: Conversation) -> dict[str, str]:
    return {t["key"]: localized(t.get("title")) for t in conversation.guide_version.themes}


def _note(note, person: Person, themes: dict) -> dict:
    mine = note.preparation.author_id == person.pk
    return {
        "theme_key": note.theme_key,
        "theme": themes.get(note.theme_key, note.theme_key),
        "by": "you" if mine else "leader",
        "text": note.text,
        "shared_at": _at(note.shared_at),
        "updated_at": _at(note.updated_at),
    }


SCALE_TEXT = dict(SCALE)


def _answers(answers: list, statements: dict) -> list[dict]:
    return [
        {
            "statement_key": answer.statement_key,
            "statement": statements.get(answer.statement_key, answer.statement_key),
            "value": answer.value,
            "value_text": str(SCALE_TEXT.get(answer.value, answer.value)),
            "answered_at": _at(answer.answered_at),
        }
        for answer in answers
    ]


def _revision(revision, *, reviewer: bool) -> dict:
    return {
        "number": revision.number,
        "text": revision.text,
        "conclusion": revision.conclusion,
        "conclusion_text": revision.get_conclusion_display() if revision.conclusion else "",
        "shared_outside": revision.shared_outside,
        "reason": revision.reason,
        "proposed_by": _name(revision.proposed_by),
        "submitted_at": _at(revision.submitted_at),
        "approved_at": _at(revision.approved_at),
        "employee_signed_at": _at(revision.employee_signed_at),
        "leader_signed_at": _at(revision.leader_signed_at),
        "withdrawn_at": _at(revision.withdrawn_at),
        "withdrawn_by": _name(revision.withdrawn_by),
        "withdrawn_reason": revision.withdrawn_reason,
        "agreed_goals": revision.agreed_goals,
        # The reviewer's comment while they write it: theirs until they send it.
        "your_unsent_comment": revision.comment if reviewer else "",
        "created_at": _at(revision.created_at),
    }


def _comment(comment) -> dict:
    return {
        "revision": comment.revision.number,
        "kind": comment.kind,
        "kind_text": comment.get_kind_display(),
        "by": _name(comment.author),
        "text": comment.text,
        "at": _at(comment.at),
    }


def _update(update) -> dict:
    return {
        "from": update.from_status,
        "to": update.to_status,
        "to_text": update.get_to_status_display() if update.to_status else "",
        "comment": update.comment,
        "by": _name(update.actor),
        "at": _at(update.at),
    }


def _need(raised) -> dict:
    return {
        "category": raised.category,
        "category_text": raised.get_category_display(),
        "text": raised.text,
        "cost": raised.cost,
        "shared_with_register": raised.share,
        "by": _name(raised.raised_by),
        "at": _at(raised.created_at),
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
    conversation, as on the pages)."""

    def __init__(self, subject: Person):
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
        self.goals = _grouped(actions_policy.goals_visible_to(subject), by_conversation)
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
        self.forms = _grouped(
            archive_policy.signed_forms_visible_to(subject).order_by("created_at", "pk"),
            by_conversation,
        )


def _as_employee(subject: Person, c: Conversation, seen: _Visible, files: list) -> dict:
    """A conversation of the employee's, with everything they may read in it."""
    themes = _themes(c)
    statements = {s["key"]: localized(s.get("text")) for s in c.guide_version.statements()}
    reviewer = conversations_policy.may_review_summary(subject, c)
    own = seen.preparations.get(c.pk)
    forms = []
    for form in seen.forms[c.pk]:
        name = f"skjema/{form.filename}" if form.pdf else None
        if name:
            files.append((name, bytes(form.pdf)))
        forms.append(
            {
                "revision": form.number,
                "created_at": _at(form.created_at),
                "fingerprint": form.fingerprint,
                "file": name,
                "content": form.content,
            }
        )
    feedback = seen.feedback.get(c.pk)
    return {
        **_facts(c),
        "leader": _name(c.leader),
        "history": [
            {
                "from": change.from_status,
                "to": change.to_status,
                "to_text": change.get_to_status_display(),
                "reason": change.reason,
                "by": _name(change.actor),
                "at": _at(change.at),
            }
            for change in seen.history[c.pk]
        ],
        "preparation_shared_at": _at(own.shared_at) if own else None,
        "notes": sorted(  # their own first, then what the leader shared
            (_note(note, subject, themes) for note in seen.notes[c.pk]),
            key=lambda note: (note["by"] != "you", note["theme_key"]),
        ),
        "likert": _answers(seen.likert[c.pk], statements),
        "about_leader": _answers(seen.about_leader[c.pk], statements),
        "summaries": [
            _revision(revision, reviewer=reviewer)
            for revision in conversations_policy.summary_revisions_visible_to(
                subject, c, current=seen.current.get(c.pk)
            )
            .select_related("proposed_by", "withdrawn_by")
            .order_by("number")
        ],
        "comments": [_comment(comment) for comment in seen.comments[c.pk]],
        "feedback": {
            "rating": feedback.rating,
            "comment": feedback.comment,
            "at": _at(feedback.at),
        }
        if feedback
        else None,
        "goals": [
            {
                "id": goal.pk,
                "text": goal.text,
                "result": goal.result,
                "result_text": goal.get_result_display() if goal.result else "",
                "learned": goal.learned,
                "reviewed_at": _at(goal.reviewed_at),
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
                        "history": [_update(u) for u in seen.updates[action.pk]],
                    }
                    for action in seen.actions[goal.pk]
                ],
            }
            for goal in seen.goals[c.pk]
        ],
        "needs": [_need(raised) for raised in seen.needs[c.pk]],
        "signed_forms": forms,
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
        "employee": _name(c.employee),
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
        "your_comments": [_comment(m) for m in seen.comments[c.pk] if m.author_id == mine],
        # As the reviewer, their comment on a revision while they wrote it, not sent.
        "your_unsent_comments": [
            {"revision": revision.number, "text": revision.comment}
            for revision in revisions
            if revision.comment
        ],
        "your_action_comments": [
            {"action": action.pk, **_update(update)}
            for goal in seen.goals[c.pk]
            for action in seen.actions[goal.pk]
            for update in seen.updates[action.pk]
            if update.actor_id == mine and update.comment
        ],
        "your_needs": [_need(n) for n in seen.needs[c.pk] if n.raised_by_id == mine],
    }
