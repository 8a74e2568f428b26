"""Everything Samtale holds about one person, as a ZIP they can read and reuse (GDPR art. 15
and 20): `index.html` to read, `data.json` with the same, and the signed forms' PDFs under
`skjema/`. The same copy is a page in the app (privacy.views.own_data, the same template's
content, privacy/export/_copy.html), its signed forms linked where the conversation's page
links them.

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
  their conversations and what they did (in the audit log's sentences, with kinds and ids:
  the log holds no content);
- their calendar connection, if any (samtale.calendars): its kind, the server's host name,
  the user name or mailbox, when it was last read and why it last failed. Never its address
  (a published calendar's opens every event to whoever has it) nor its password: whether
  one is saved, and no more.

The ZIP is stored without compression: the pages and data are small, the PDFs are
compressed already, and the tests that walk every URL for text that must not be there
(tests/content_paths) read the copy's files in the response as they are.

The conversations' part of the copy is in privacy/export_conversations.py.
"""

import io
import json
import zipfile
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samtale.calendars import policy as calendars_policy
from samtale.calendars import reasons as calendar_reasons
from samtale.competence.models import PlanComment, PlanLine
from samtale.core.access import own, roles_of_person
from samtale.core.audit import sentences_of as audit_sentences
from samtale.core.spreadsheet import file_name
from samtale.org import policy as org_policy
from samtale.org.models import Person
from samtale.priorities.models import Priority
from samtale.privacy import policy
from samtale.privacy.export_conversations import YOU, at_local, by, conversations_of, name_of

# 2: each copy asked for says why from a list ("reason"), in HR's words ("note", the
# "reason" of 1), and how it reached the person. 3: the calendar connection ("calendar").
# 4: what they wrote for the workplace (the unit goals, the competence plans' comments and
# decisions: "workplace"), which unit goal each agreed goal serves, each action's competence
# need ("serves", "competence", "cost"). 5: the conversations newest first (by the date
# their headings give); what the person did themselves "by": "you" everywhere, not their
# name; each signed form's id and whether its PDF could not be made ("pdf_failed").
FORMAT = 5
AUDIT_IN_PAGE = 1000  # index.html lists the latest, newest first; data.json holds every entry
AUDIT_IN_APP = 100  # the page in the app lists fewer: the ZIP is beside it


def filename(person: Person, day=None) -> str:
    """samtale-innsyn-kari-nilsen-2026-11-28.zip: whose copy, and the day it was made."""
    return file_name("samtale-innsyn", person.full_name, day=day or timezone.localdate(), ext="zip")


def person_export(person: Person) -> bytes:
    """The ZIP of everything about `person`, in their language."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        data, files = person_data(person)
        page = render_to_string("privacy/export/index.html", page_context(data, AUDIT_IN_PAGE))
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("index.html", page)
        archive.writestr("data.json", text)
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def page_context(data: dict, audit: int) -> dict:
    """What the copy's page says it from: the data, and the latest `audit` entries of its
    log, newest first."""
    return {"data": data, "audit_shown": data["audit"][-audit:][::-1]}


def person_data(person: Person, *, pdfs: bool = True) -> tuple[dict, list[tuple[str, bytes]]]:
    """(the data, [(file name, PDF)]) of everything about `person`; call it in their language.
    Without `pdfs` (the page in the app), no PDF is read or made, and the list is empty."""
    subject = policy.as_data_subject(person)
    files: list[tuple[str, bytes]] = []
    as_employee, as_leader = conversations_of(subject, files if pdfs else None)
    data = {
        "format": "samtale-innsyn",
        "version": FORMAT,
        "made_at": at_local(timezone.now()),
        "language": translation.get_language(),
        "person": _person(Person.objects.select_related("unit", "manager").get(pk=person.pk)),
        "role_changes": _role_changes(subject),
        "email_changes": _email_changes(subject),
        "legal_holds": _legal_holds(subject),
        "access_copies": _access_copies(subject),
        "calendar": _calendar(
            calendars_policy.calendar_connections_about(subject)
            .select_related("person", "changed_by")
            .first()
        ),
        "conversations_as_employee": as_employee,
        "conversations_as_leader": as_leader,
        "workplace": _workplace(subject),
        "audit": _audit(subject, person),
    }
    return data, files


def _role_changes(subject: Person) -> list[dict]:
    """The roles given to and taken from the person, and by whom."""
    return [
        {
            "role": change.role,
            "role_text": change.get_role_display(),
            "granted": change.granted,
            "by": by(change.changed_by, subject),
            "at": at_local(change.at),
        }
        for change in org_policy.role_changes_about(subject).select_related("changed_by")
    ]


def _email_changes(subject: Person) -> list[dict]:
    """The changes of the person's e-mail address, and when each was confirmed."""
    return [
        {
            "old": change.old_email,
            "new": change.new_email,
            "by": by(change.changed_by, subject),
            "at": at_local(change.at),
            "confirmed_at": at_local(change.confirmed_at),
        }
        for change in org_policy.email_changes_about(subject).select_related("changed_by")
    ]


def _legal_holds(subject: Person) -> list[dict]:
    """The legal holds on the person's data, set and released."""
    return [
        {
            "reason": hold.reason,
            "set_at": at_local(hold.set_at),
            "set_by": by(hold.set_by, subject),
            "released_at": at_local(hold.released_at),
            "released_by": by(hold.released_by, subject),
        }
        for hold in policy.legal_holds_about(subject).select_related("set_by", "released_by")
    ]


def _access_copies(subject: Person) -> list[dict]:
    """HR's requests for a copy of the person's data: why, and how each reached them."""
    return [
        {
            "at": at_local(copy.at),
            "by": by(copy.made_by, subject),
            "reason": copy.reason,
            "reason_text": copy.get_reason_display(),
            "note": copy.note,
            "delivery": copy.channel,
            "delivery_text": copy.get_channel_display(),
            "address": copy.address,
            "status": copy.state,
            "status_text": copy.get_state_display(),
            "delivered_at": at_local(copy.delivered_at),
            "expires_at": at_local(copy.expires_at),
        }
        for copy in policy.access_copies_about(subject).select_related("made_by")
    ]


def _audit(subject: Person, person: Person) -> list[dict]:
    """The audit entries about the person, their conversations and what they did, oldest
    first: each as the audit log's page says it ("text", the one table of its words), and
    its kind and ids, as the log holds no content."""
    entries = list(policy.audit_entries_about(subject).select_related("actor").order_by("at", "pk"))
    return [
        {
            "at": at_local(entry.at),
            "text": text,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "by": YOU if entry.actor_id == person.pk else name_of(entry.actor),
            "data": entry.data,
        }
        for entry, text in zip(entries, audit_sentences(entries), strict=True)
    ]


def _workplace(subject: Person) -> dict:
    """What the person wrote for their workplace rather than in a conversation: the unit
    goals they added, their comments on competence plans and the plans' lines they set."""

    def unit(row):
        return row.unit.name if row.unit_id else _("The whole organization")

    return {
        "unit_goals_written": [
            {"year": g.year, "unit": unit(g), "title": g.title, "at": at_local(g.created_at)}
            for g in own(subject, Priority, "created_by_id")
            .select_related("unit")
            .order_by("year", "pk")
        ],
        "competence_plan_comments": [
            {"year": c.year, "unit": unit(c), "text": c.text, "at": at_local(c.at)}
            for c in own(subject, PlanComment, "author_id").select_related("unit")
        ],
        "competence_plan_lines_set": [
            {
                "year": line.year,
                "unit": unit(line),
                "kind": line.kind,
                "priority": line.priority,
                "status": line.status,
                "note": line.note,
                "at": at_local(line.updated_at),
            }
            for line in own(subject, PlanLine, "updated_by_id").select_related("unit")
        ],
    }


def _person(person: Person) -> dict:
    roles = [
        (person.is_hr, "hr"),
        (person.is_org_admin, "admin"),
        (person.is_archivist, "archive"),
        (person.is_union_rep, "union"),
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
        "manager": name_of(person.manager),
        "language": person.language,
        "language_name": person.get_language_display(),
        "active": person.is_active,
        "deactivated_at": at_local(person.deactivated_at),
        # The roles given; in words, every role as the person's home names them (an
        # employee, and a leader of the people who report to them, are given to no one).
        "roles": [key for held, key in roles if held],
        "roles_text": roles_of_person(person).words,
        "notices_off": person.notices_off,
        "last_signed_at": at_local(person.last_signed_at),
        "created_at": at_local(person.created_at),
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
        "changed_at": at_local(connection.changed_at),
        "changed_by": YOU
        if connection.changed_by_id == connection.person_id
        else name_of(connection.changed_by),
        "last_read_at": at_local(connection.last_read_at),
        "last_error": connection.last_error or None,
        "last_error_text": calendar_reasons.reason(connection.last_error)
        if connection.last_error
        else None,
        "last_error_at": at_local(connection.last_error_at),
    }
