"""Each person's copy of their data: everything about them as they may read it, nothing
about anyone else, read through the access policy. The conversations are those of
tests/content_paths/world.py, every text a marker."""

import io
import json
import time
import zipfile
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from samtale.calendars import keys
from samtale.calendars.models import CalendarConnection
from samtale.calendars.services import shown
from samtale.core.audit import audit_log
from samtale.org.models import EmailChange, Person, RoleChange
from samtale.privacy import export, links, services
from samtale.privacy.tests.conftest import PDF, full_conversation
from tests.content_paths.world import build_world, markers_in


@pytest.fixture
def world(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(people)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def every_text(files: dict[str, bytes]) -> str:
    """All the copy says, in every file (PDFs as their bytes)."""
    return "\n".join(content.decode("utf-8", errors="replace") for content in files.values())


def markers_of(person) -> set[str]:
    return {
        m.removeprefix("MARKER-")
        for m in markers_in(every_text(unzip(export.person_export(person))))
    }


# What the world holds for whom (tests/content_paths/world.py, each marker recorded with
# who wrote it and where it is stored: markers.py): A, B, C and E are the employee's with
# their leader; D is the other employee's; F is the leader's check-in with their own leader.
# A copy holds what its person may read of their conversations: nothing of the round's own
# texts (not about a conversation), of a text another replaced (C's place before it was
# moved), or of another's unshared note.
# As the leader, a copy holds what they wrote of these fields, not the employee's goals,
# actions and what the conversation's record says of them.
LEADERS_OWN = {
    "conversations.Note.text",
    "conversations.SummaryRevision.comment",
    "conversations.SummaryComment.text",
    "actions.ActionUpdate.comment",
    "needs.RaisedNeed.text",
    "conversations.Conversation.place",
}


def readable(world, role: str, conversations: str) -> set[str]:
    """The markers of `conversations` that `role` may read: kept, and not another's private
    note."""
    return {
        label
        for label, r in world.markers.records.items()
        if r.conversation
        and r.conversation in conversations
        and not r.replaced
        and not (r.private and r.by != role)
    }


def test_the_employees_copy_holds_all_they_may_read_and_nothing_of_anyone_else(world, people):
    got = markers_of(people.employee)
    mine = readable(world, "employee", "ABCE")
    assert got == mine, (sorted(mine - got), sorted(got - mine))
    # The canaries: the other employee's every text, and the leader's unshared notes.
    assert not {m for m in got if m.startswith(("D-", "F-"))}
    leaders_private = {
        label for label, r in world.markers.records.items() if r.private and r.by != "employee"
    }
    assert {"A-leader-note-private", "F-leader-note-private"} <= leaders_private
    assert not got & leaders_private


def test_the_leaders_copy_holds_what_they_wrote_and_not_the_employees_content(world, people):
    got = markers_of(people.leader)
    # As the leader of A, B, C, E: their notes (shared or not), comments, needs, updates,
    # and where the conversations are held (the leader sets it).
    written = {
        label
        for label in readable(world, "leader", "ABCE")
        if world.markers.records[label].by == "leader"
        and world.markers.records[label].fields & LEADERS_OWN
    }
    assert {"A-leader-note-private", "B-v2-sent-back", "A-need-kept", "C-place-moved"} <= written
    # As the employee in F, the check-in with their own leader: all they may read.
    as_employee = readable(world, "leader", "F")
    assert got == written | as_employee, (
        sorted((written | as_employee) - got),
        sorted(got - written - as_employee),
    )
    assert not {m for m in got if m.startswith("D-")}


def test_nobody_elses_copy_holds_any_of_it(world, people):
    for role in ("other_leader", "hr", "admin"):
        got = markers_of(people.by_role(role))
        assert (
            got <= {m for m in world.markers if m.startswith("D-")}
            if role == "other_leader"
            else got == set()
        ), role
    # The other employee's copy has D and nothing of the employee's.
    assert all(m.startswith("D-") for m in markers_of(people.other_employee))


def test_the_copy_is_a_readable_page_the_same_data_and_the_signed_forms(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=date(2025, 3, 1))
    files = unzip(export.person_export(people.employee))
    assert set(files) == {"index.html", "data.json", f"skjema/oppfolgingsskjema-{c.pk}-2.pdf"}
    assert files[f"skjema/oppfolgingsskjema-{c.pk}-2.pdf"].startswith(PDF)
    page = files["index.html"].decode()
    assert page.startswith("<!doctype html>") and '<html lang="nb">' in page
    assert f"Opplysningene dine i Samtale: {people.employee.full_name}" in page
    assert f'href="skjema/oppfolgingsskjema-{c.pk}-2.pdf"' in page
    data = json.loads(files["data.json"])
    assert data["format"] == "samtale-innsyn" and data["person"]["id"] == people.employee.pk
    [mine] = data["conversations_as_employee"]
    assert mine["id"] == c.pk and mine["leader"] == people.leader.full_name
    assert [n["text"] for n in mine["notes"]] == [
        "MARKER-A-employee-note",
        "MARKER-A-leader-note-shared",
    ]
    assert [(a["statement"], a["value"]) for a in mine["likert"]] == [
        ("Jeg mestrer oppgavene", 2),
        ("Jeg trives i arbeidet", 4),
    ]
    assert mine["about_leader"][0]["value"] == 5
    assert [s["number"] for s in mine["summaries"]] == [1, 2]
    assert mine["feedback"]["comment"] == "MARKER-A-feedback-comment"
    [goal] = mine["goals"]
    assert goal["actions"][0]["history"][0]["comment"] == "MARKER-A-action-comment"
    assert mine["signed_forms"][0]["file"] == f"skjema/oppfolgingsskjema-{c.pk}-2.pdf"
    # The leader's copy: the conversation's facts and their own notes only.
    leader = json.loads(unzip(export.person_export(people.leader))["data.json"])
    [held] = leader["conversations_as_leader"]
    assert [n["text"] for n in held["your_notes"]] == [
        "MARKER-A-leader-note-private",
        "MARKER-A-leader-note-shared",
    ]
    assert "MARKER-A-employee-note" not in json.dumps(leader)
    assert "MARKER-A-pdf" not in every_text(unzip(export.person_export(people.leader)))


def test_the_copy_has_the_persons_record_roles_addresses_holds_and_audit(people, version):
    employee = people.employee
    RoleChange.objects.create(person=employee, role="hr", granted=True, changed_by=people.admin)
    EmailChange.objects.create(
        person=employee,
        old_email="emma@old.example",
        new_email=employee.email,
        changed_by=people.admin,
    )
    services.legal_hold_set(actor=people.hr, person=employee, reason="Sak 26/1")
    services.access_copy_request(
        actor=people.hr, person=employee, reason="written", note="Bedt om på e-post"
    )
    audit_log(actor=people.other_employee, action="x.other", obj=people.other_employee)
    data = json.loads(unzip(export.person_export(employee))["data.json"])
    assert data["person"]["email"] == employee.email and data["person"]["unit"] == "Team 1"
    assert [(r["role"], r["granted"], r["by"]) for r in data["role_changes"]] == [
        ("hr", True, people.admin.full_name)
    ]
    assert data["email_changes"][0]["old"] == "emma@old.example"
    assert data["legal_holds"][0]["reason"] == "Sak 26/1"
    [asked] = data["access_copies"]
    assert (asked["by"], asked["reason"], asked["note"]) == (
        people.hr.full_name,
        "written",
        "Bedt om på e-post",
    )
    assert (asked["delivery"], asked["status"], asked["delivered_at"]) == (
        "account",
        "waiting",
        None,
    )
    actions = [(a["action"], a["object_id"]) for a in data["audit"]]
    assert ("privacy.hold_set", str(employee.pk)) in actions
    assert ("privacy.copy_request", str(employee.pk)) in actions
    assert "x.other" not in {a for a, _ in actions}


def test_a_person_who_has_left_gets_their_copy_through_hr(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=date(2024, 3, 1))
    Person.objects.filter(pk=people.employee.pk).update(is_active=False, end_date=date(2024, 6, 30))
    gone = Person.objects.get(pk=people.employee.pk)
    copy = services.access_copy_request(
        actor=people.hr, person=gone, reason="leaver", note="Brev", address="emma@privat.example"
    )
    data = json.loads(
        unzip(services.access_copy_collect(copy=copy, code=links.code_for(copy)))["data.json"]
    )
    assert [x["id"] for x in data["conversations_as_employee"]] == [c.pk]
    assert data["person"]["active"] is False
    assert Person.objects.get(pk=gone.pk).is_active is False  # nothing of them was saved


def test_an_archivists_or_hrs_copy_holds_only_their_own_forms(people, version):
    full_conversation(people.employee, people.leader, version, key="A", held=date(2025, 3, 1))
    Person.objects.filter(pk=people.other_employee.pk).update(is_archivist=True, is_hr=True)
    archivist = Person.objects.get(pk=people.other_employee.pk)
    files = unzip(export.person_export(archivist))
    assert set(files) == {"index.html", "data.json"}
    assert "MARKER" not in every_text(files)
    assert json.loads(files["data.json"])["person"]["roles"] == ["hr", "archive"]


def _queries(person) -> int:
    with CaptureQueriesContext(connection) as queries:
        export.person_export(person)
    return len(queries)


def test_fifty_conversations_are_copied_with_one_query_more_each(people, version):
    """A few queries in all, and one more per conversation (the summary's revisions). The
    time is printed (the best of three), not asserted: a busy machine would fail it."""
    start = date(2000, 1, 10)
    full_conversation(people.employee, people.leader, version, key="N0", held=start)
    one = _queries(people.employee)
    for n in range(1, 50):
        full_conversation(
            people.employee,
            people.leader,
            version,
            key=f"N{n}",
            held=start + timedelta(days=90 * n),
        )
    fifty = _queries(people.employee)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        data = export.person_export(people.employee)
        times.append(time.perf_counter() - started)
    files = unzip(data)
    print(
        f"\ncopy of 50 conversations: best {min(times):.2f} s of {', '.join(f'{t:.2f}' for t in times)}; "
        f"{fifty} queries (one conversation: {one}); {len(data) / 1024:.0f} kB, {len(files)} files"
    )
    assert len(json.loads(files["data.json"])["conversations_as_employee"]) == 50
    assert fifty - one == 49


def test_the_copy_says_the_roles_and_the_account_in_words(people):
    """Not "Roles: None" while the home says "Employee": the roles in the words the home uses
    (core.access.Roles.words), and the account's state in words."""
    page = unzip(export.person_export(people.employee))["index.html"].decode()
    with translation.override("nb"):
        assert escape(gettext("In use")) in page
        assert f"<dd>{escape(gettext('Employee'))}</dd>" in page
        leader = unzip(export.person_export(people.leader))["index.html"].decode()
        assert f"<dd>{escape(gettext('Employee'))}, {escape(gettext('leader'))}</dd>" in leader
        hr = unzip(export.person_export(people.hr))["index.html"].decode()
        assert f"{escape(gettext('Employee'))}, {escape(gettext('HR'))}" in hr


def test_the_copy_says_its_log_in_the_audit_logs_sentences(people, version):
    """Not "note.share conversations.conversation 21": each entry as the log's page says it
    (audit.words), in the person's language, the code kept beside it."""
    c = full_conversation(people.employee, people.leader, version, key="L", held=date(2025, 3, 1))
    audit_log(actor=people.employee, action="note.share", obj=c, party="employee", theme="x")
    files = unzip(export.person_export(people.employee))
    [entry] = [a for a in json.loads(files["data.json"])["audit"] if a["action"] == "note.share"]
    with translation.override(people.employee.language or "nb"):
        said = gettext("%(actor)s shared a note in %(conversation)s") % {
            "actor": people.employee.full_name,
            "conversation": gettext("%(name)s's conversation")
            % {"name": people.employee.full_name},
        }
    assert entry["text"] == said
    assert escape(said) in files["index.html"].decode()


def test_the_copy_has_the_calendar_connection_but_never_its_address_or_password(people):
    """Its kind, the server's host, the user name, when it was last read and why it last
    failed; of the address (a published calendar's is a secret) and the password, nothing
    but that a password is saved."""
    address = "https://dav.kommune.example:8443/secret-token-abc123/leif/arbeid/"
    connection = CalendarConnection.objects.create(
        person=people.leader,
        kind="caldav",
        url=keys.encrypt(address),
        shown_url=shown(address),
        username="leif",
        password=keys.encrypt("leifs-hemmelige-passord"),
        changed_by=people.admin,
        last_read_at=timezone.now() - timedelta(days=1),
        last_error="auth",
        last_error_at=timezone.now(),
    )
    files = unzip(export.person_export(people.leader))
    data = json.loads(files["data.json"])
    calendar = data["calendar"]
    assert {k: calendar[k] for k in ("kind", "server", "username", "password_saved")} == {
        "kind": "caldav",
        "server": "dav.kommune.example",
        "username": "leif",
        "password_saved": True,
    }
    assert (calendar["last_error"], calendar["changed_by"]) == ("auth", people.admin.full_name)
    assert calendar["last_read_at"] and calendar["last_error_at"]
    everything = every_text(files)
    for secret in ("secret-token", "leifs-hemmelige-passord", connection.password, connection.url):
        assert secret not in everything
    page = files["index.html"].decode()
    with translation.override("nb"):
        assert escape(gettext("Your calendar")) in page
        reason = gettext(
            "the server refused access (the user name, the password or the permission)"
        )
        assert escape(reason) in page and escape(reason) == escape(calendar["last_error_text"])
    assert "dav.kommune.example" in page


def test_without_a_calendar_the_copy_says_so(people):
    files = unzip(export.person_export(people.employee))
    assert json.loads(files["data.json"])["calendar"] is None
    with translation.override("nb"):
        none = gettext("You have not connected a calendar.")
    assert escape(none) in files["index.html"].decode()


def test_the_copy_has_what_they_wrote_for_the_workplace(people):
    """The unit goals they wrote, their comments on competence plans and the plans' lines
    they set (issue 48); nobody else's."""
    from samtale.competence import selectors as competence_selectors
    from samtale.competence import services as competence_services
    from samtale.needs.models import Need
    from samtale.priorities import services as priorities_services

    year = timezone.localdate().year
    team = people.employee.unit
    priorities_services.priority_add(actor=people.leader, year=year, unit=team, title="Ro i timene")
    plan = competence_selectors.plan_of(unit=team, year=year, needs=Need.objects.all())
    competence_services.plan_comment_add(actor=people.leader, plan=plan, text="Kurs først")
    competence_services.plan_line_set(
        actor=people.leader, plan=plan, kind="course", priority="high", status="approved", note=""
    )
    competence_services.plan_comment_add(actor=people.hr, plan=plan, text="HRs kommentar")
    data, _files = export.person_data(people.leader)
    workplace = data["workplace"]
    assert [g["title"] for g in workplace["unit_goals_written"]] == ["Ro i timene"]
    assert [c["text"] for c in workplace["competence_plan_comments"]] == ["Kurs først"]
    assert [line["kind"] for line in workplace["competence_plan_lines_set"]] == ["course"]
    assert data["version"] == export.FORMAT == 5
    others, _files = export.person_data(people.employee)
    assert others["workplace"] == {
        "unit_goals_written": [],
        "competence_plan_comments": [],
        "competence_plan_lines_set": [],
    }
