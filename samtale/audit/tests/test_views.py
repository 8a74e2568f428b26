"""The audit log's pages: HR and administrators search the log (/logg/); everyone sees who
outside their conversations has read them (/meg/lest/). Neither shows content."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from samtale.audit import views
from samtale.conversations.models import SummaryRevision
from samtale.core.audit import audit_log, audit_reads, audit_source
from samtale.core.models import AuditEntry
from testkit.people import goals_version, signed_conversation

SHARED = "Behov for kurs i fagsystemet kan meldes til HR."
SECRET = "Konfidensielt innhold om helsa mi"


@pytest.fixture
def shared(people):
    """The employee's signed conversation whose conclusion shares one sentence with HR."""
    conversation = signed_conversation(people.employee, people.leader, version=goals_version())
    now = timezone.now()
    SummaryRevision.objects.create(
        conversation=conversation,
        text=SECRET,
        conclusion="no_actions",
        shared_outside=SHARED,
        employee_signed_at=now,
        leader_signed_at=now,
    )
    return conversation


def _search(client, **query):
    return client.get(reverse("audit_search"), query)


# /logg/: HR and administrators -----------------------------------------------------


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_hr_and_administrators_read_who_did_what_when_and_from_where(client_for, people, role):
    with audit_source("192.0.2.44"):
        audit_log(actor=people.admin, action="person.role", obj=people.hr, role="hr", granted=True)
    response = _search(client_for(role))
    body = response.content.decode()
    [entry] = [e for e in response.context["page"].object_list if e.action == "person.role"]
    assert entry.actor_name == "Adam Testesen"
    assert "Adam Testesen" in entry.sentence and "Hedda Testesen" in entry.sentence
    assert escape(entry.sentence) in body
    # Its details, as stored: the code, the object, from where, and a yes for True.
    stored = dict(entry.stored)
    assert "person.role" in stored.values() and f"org.person {people.hr.pk}" in stored.values()
    assert "192.0.2.44" in body and stored["granted"] in ("yes", "ja")
    assert "<details>" in body and "granted: True" not in body


@pytest.mark.parametrize("role", ["employee", "leader", "leaders_leader"])
def test_the_log_is_refused_to_everyone_else(client_for, role):
    assert _search(client_for(role)).status_code == 403


def test_the_log_never_shows_content_even_of_reads(client_for, people, shared):
    hr = client_for("hr")
    assert SHARED in hr.get(reverse("shared_conclusions")).content.decode()
    response = _search(hr)
    body = response.content.decode()
    assert AuditEntry.objects.filter(action="conversation.read").count() == 1
    assert SHARED not in body and SECRET not in body
    [entry] = [e for e in response.context["page"].object_list if e.action == "conversation.read"]
    assert escape(entry.sentence) in body and entry.object_id == str(shared.pk)


def test_it_searches_by_person_the_entries_by_them_and_about_them(client_for, people):
    audit_log(actor=people.leader, action="goal.add", obj=people.employee.unit)
    audit_log(actor=people.admin, action="person.update", obj=people.leader, fields=["title"])
    audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit)
    response = _search(client_for("hr"), person=people.leader.pk)
    shown = {e.action for e in response.context["page"].object_list}
    assert shown == {"goal.add", "person.update"}


def test_it_searches_by_kind(client_for, people):
    audit_log(actor=people.admin, action="person.update", obj=people.leader)
    audit_log(actor=people.admin, action="person.role", obj=people.leader, role="hr")
    audit_log(actor=people.admin, action="personal.other")  # a prefix, not a kind
    audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit)
    response = _search(client_for("admin"), kind="person")
    assert {e.action for e in response.context["page"].object_list} == {
        "person.update",
        "person.role",
    }


def test_it_searches_by_whole_days_in_oslo(client_for, people):
    with time_machine.travel("2026-03-01 23:30 +01:00"):  # 1 March in Oslo, 22:30 UTC
        audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit)
    with time_machine.travel("2026-03-02 00:30 +01:00"):
        audit_log(actor=people.admin, action="unit.create", obj=people.employee.unit)
    response = _search(client_for("hr"), since="01.03.2026", until="01.03.2026")
    assert [e.action for e in response.context["page"].object_list] == ["unit.update"]
    response = _search(client_for("hr"), since="02.03.2026")
    assert "unit.create" in {e.action for e in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "31.02.2026"}, "since"),
        ({"until": "i morgen"}, "until"),
        ({"since": "01.01.9999"}, "since"),
        ({"since": "01.01.0001"}, "since"),
        ({"since": "02.03.2026", "until": "01.03.2026"}, "until"),
        ({"kind": "password"}, "kind"),
        ({"since": "1" * 100_000}, "since"),
        ({"kind": "x" * 100_000}, "kind"),  # and the message does not repeat it
        ({"person": "abc"}, "person"),
        ({"person_sok": "Ø" * 100_000}, "person"),
    ],
)
def test_a_search_that_cannot_be_read_gets_a_message_and_lists_nothing(
    client_for, people, query, field
):
    audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit)
    response = _search(client_for("hr"), **query)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert response.context["page"] is None
    body = response.content.decode()
    assert "ds-error-summary" in body and 'href="#id_' in body
    assert "The log was not searched" in body or "Det ble ikke søkt i loggen" in body
    assert "unit.update" not in body and "Changed a unit" not in body
    assert all(len(error) < 200 for error in response.context["form"].errors[field])


def test_a_page_number_that_is_not_one_shows_a_page(client_for, people):
    audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit)
    for side in ["abc", "-1", "99999999999999999999"]:
        assert _search(client_for("hr"), side=side).status_code == 200


def test_the_search_makes_the_same_queries_however_many_entries(
    client_for, people, django_assert_max_num_queries
):
    hr = client_for("hr")
    _search(hr)
    for n in range(120):
        audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit, n=n)
    with django_assert_max_num_queries(8):
        response = _search(hr, kind="unit", person=people.admin.pk)
    assert len(response.context["page"].object_list) == views.PAGE_SIZE == 25


def _entries_of_every_kind(people, conversation, n):
    goal = conversation.goals.get()
    for i in range(n):
        audit_log(actor=people.admin, action="person.update", obj=people.leader, fields=["email"])
        audit_log(actor=people.leader, action="goal.add", obj=goal)
        audit_log(actor=people.leader, action="summary.sign", obj=conversation, revision=i)
        audit_log(
            actor=people.hr,
            action="round.holder_set",
            obj=people.employee.unit,
            holder=people.leader.pk,
        )
        audit_log(actor=people.hr, action="download.needs", year=2026, format="csv")


def test_the_names_in_the_sentences_cost_one_query_per_kind_of_object_not_per_entry(
    client_for, people, shared
):
    hr = client_for("hr")
    _search(hr)
    counts = []
    for n in (2, 10):
        _entries_of_every_kind(people, shared, n)
        with CaptureQueriesContext(connection) as queries:
            response = _search(hr)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    body = response.content.decode()
    assert escape(f"{people.employee.full_name}'s conversation") in body or (
        f"samtalen til {people.employee.full_name}" in body
    )
    assert "Bli trygg i fagsystemet" not in body  # the goal's text: content
    assert people.leader.email not in body


def test_the_search_refuses_post(client_for):
    assert client_for("hr").post(reverse("audit_search")).status_code == 405


# /meg/lest/: who outside my conversations has read them -----------------------------


def test_the_employee_sees_who_from_hr_read_their_conversation_and_when(client_for, people, shared):
    client_for("hr").get(reverse("shared_conclusions"))
    response = client_for("employee").get(reverse("my_reads"))
    body = response.content.decode()
    assert "Hedda Testesen" in body
    [entry] = response.context["page"].object_list
    assert entry.conversation == shared
    assert str(entry.role) in body and str(entry.what)[1:] in body
    assert reverse("conversation_detail", args=[shared.pk]) in body
    assert SHARED not in body and SECRET not in body


def test_nobody_else_sees_those_reads(client_for, people, shared):
    client_for("hr").get(reverse("shared_conclusions"))
    for role in ["other_employee", "leader", "leaders_leader", "admin", "hr"]:
        response = client_for(role).get(reverse("my_reads"))
        assert list(response.context["page"].object_list) == [], role
        assert 'class="empty"' in response.content.decode()


def test_the_two_parties_own_reads_are_not_recorded(people, shared):
    assert audit_reads(people.leader, [shared], what="shared_conclusion", role="hr") == []
    assert audit_reads(people.employee, [shared], what="signed_form", role="archive") == []
    assert not AuditEntry.objects.filter(action="conversation.read").exists()


def test_an_archive_read_shows_as_the_archive_and_the_signed_form(client_for, people, shared):
    audit_reads(people.admin, [shared], what="signed_form", role="archive")
    response = client_for("employee").get(reverse("my_reads"))
    [entry] = response.context["page"].object_list
    assert (entry.data, entry.actor_name) == (
        {"as": "archive", "what": "signed_form"},
        "Adam Testesen",
    )


def test_reads_recorded_before_the_reads_had_one_action_are_listed_too(client_for, people, shared):
    audit_log(actor=people.hr, action="summary.shared.read", obj=shared, revision=1)
    response = client_for("employee").get(reverse("my_reads"))
    assert [e.actor_name for e in response.context["page"].object_list] == ["Hedda Testesen"]


def test_with_no_reads_the_page_says_what_will_be_listed(client_for, people):
    response = client_for("employee").get(reverse("my_reads"))
    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()


def test_the_profile_and_the_conversations_lead_to_it(client_for):
    client = client_for("employee")
    for page in ["profile", "conversation_list"]:
        assert reverse("my_reads") in client.get(reverse(page)).content.decode()


def test_an_unknown_kind_of_read_is_refused(people, shared):
    with pytest.raises(ValueError):
        audit_reads(people.hr, [shared], what="the notes", role="hr")
    with pytest.raises(ValueError):
        audit_reads(people.hr, [shared], what="signed_form", role="leader")


# Downloads --------------------------------------------------------------------------


def test_an_export_is_recorded_as_a_download(client_for, people):
    response = client_for("hr").get(reverse("need_list"), {"format": "csv"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="download.needs")
    assert entry.actor_id == people.hr.pk and entry.data["format"] == "csv"


def test_a_read_in_the_past_shows_its_time(client_for, people, shared):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        audit_reads(people.hr, [shared], what="shared_conclusion", role="hr")
    entry = client_for("employee").get(reverse("my_reads")).context["page"].object_list[0]
    assert entry.at < timezone.now() - timedelta(days=2)
