"""`manage.py incident`: the facts of a suspected breach in one municipality, from its audit
log (audit.incident), tried in a second municipality, Nordvik, with the home one's log full
of the same kinds of entries: who signed in from where, what was read, exported and changed,
whose data it concerned, and what one account could read by its own roles."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from samtale.conversations.models import SummaryRevision
from samtale.core.audit import audit_log
from samtale.operators.tests.conftest import (  # noqa: F401 - fixtures: the second municipality
    HOST,
    hosts,
    in_nordvik,
    nordvik,
)
from testkit.people import goals_version, make_people, signed_conversation

pytestmark = pytest.mark.django_db(databases=["default", "control"])

PASSWORD = "et-langt-passord-for-hendelsen"


def incident(*args: str) -> dict:
    out = StringIO()
    call_command("incident", "--tenant", "nordvik", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def _shared(people):
    conversation = signed_conversation(people.employee, people.leader, version=goals_version())
    now = timezone.now()
    SummaryRevision.objects.create(
        conversation=conversation,
        text="Innhold ingen utenfor leser",
        conclusion="no_actions",
        shared_outside="Kurs i fagsystemet.",
        employee_signed_at=now,
        leader_signed_at=now,
    )
    return conversation


@pytest.fixture
def window(in_nordvik, hosts, people):  # noqa: F811 - the fixtures imported above
    """In Nordvik: HR signs in from 10.1.2.3 and reads the shared conclusion of the
    employee's conversation; someone fails to sign in as the employee. In the home
    municipality: the same people's namesakes, and HR reading there too."""
    started = timezone.now() - timedelta(minutes=1)
    _shared(people)  # the home municipality's, which Nordvik's facts never show
    audit_log(actor=people.hr, action="conversation.read", obj=people.employee)
    with in_nordvik():
        theirs = make_people()
        for person in (theirs.hr, theirs.employee):
            person.set_password(PASSWORD)
            person.save()
        _shared(theirs)
    hr = Client(HTTP_HOST=HOST, REMOTE_ADDR="10.1.2.3")
    hr.post("/logg-inn/", {"username": theirs.hr.email, "password": PASSWORD})
    assert hr.get("/samtaler/delt/").status_code == 200
    stranger = Client(HTTP_HOST=HOST, REMOTE_ADDR="203.0.113.9")
    stranger.post("/logg-inn/", {"username": theirs.employee.email, "password": "gjett"})
    return started, theirs


def test_it_says_who_signed_in_from_where_and_whose_data_was_read(window):
    started, theirs = window
    facts = incident("--since", started.isoformat())
    assert facts["tenant"] == "nordvik"
    signed_in = {(s["action"], s["from"]) for s in facts["sign_ins"]}
    assert ("login.succeeded", "10.1.2.3") in signed_in
    assert ("login.failed", "203.0.113.9") in signed_in
    hr_name = theirs.hr.get_full_name()
    assert facts["done"][hr_name]["read"] >= 1
    assert "10.1.2.3" in facts["from"][hr_name]
    [concerned] = [c for c in facts["concerned"] if c["email"] == theirs.employee.email]
    assert concerned["done"]["read"] >= 1 and concerned["by"] == [hr_name]
    # Nothing of the home municipality's log.
    assert all(c["email"].endswith(theirs.employee.email.split("@")[1]) for c in facts["concerned"])


def test_for_one_account_it_says_its_attempts_and_what_it_could_read(window):
    started, theirs = window
    facts = incident("--since", started.isoformat(), "--account", theirs.employee.email)
    assert [s["action"] for s in facts["sign_ins"]] == ["login.failed"]
    assert facts["done"] == {}
    # The employee reads their own conversations: the leader is the other party.
    assert {p["email"] for p in facts["could_read_conversations_of"]} == {theirs.leader.email}
    leader = incident("--since", started.isoformat(), "--account", theirs.leader.email)
    reach = {p["email"] for p in leader["could_read_conversations_of"]}
    assert theirs.employee.email in reach and theirs.other_employee.email not in reach
    hr = incident("--since", started.isoformat(), "--account", theirs.hr.email)
    assert {p["email"] for p in hr["could_read_shared_conclusions_of"]} == {theirs.employee.email}


def test_a_window_before_it_holds_nothing_and_words_are_said_plainly(window):
    started, theirs = window
    before = incident(
        "--since", (started - timedelta(days=2)).isoformat(), "--until", started.isoformat()
    )
    assert before["sign_ins"] == [] and before["concerned"] == []
    out = StringIO()
    call_command(
        "incident", "--tenant", "nordvik", "--since", started.date().isoformat(), stdout=out
    )
    said = out.getvalue()
    assert "Whose data it concerned: 1 person\n" in said
    assert theirs.employee.email in said and "10.1.2.3" in said


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--since", "i går"), "is no date or time"),
        (("--since", "2026-11-28", "--until", "2026-11-27"), "must come after"),
        (("--since", "2026-11-28", "--account", "ingen@nordvik.example"), "No account"),
    ],
)
def test_what_makes_no_sense_is_refused(nordvik, args, said):  # noqa: F811
    with pytest.raises(CommandError, match=said):
        call_command("incident", "--tenant", "nordvik", *args, stdout=StringIO())
