"""Each endpoint per role, with real tokens: what the web shows each person, and nothing more;
hidden is 404 with the body of missing; writes go through the web's service and its audit."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.actions.models import Action, ActionUpdate
from samtale.api.tests.helpers import API, Api, api_as, signed_with_action
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.core.models import AuditEntry
from samtale.org.models import Unit
from testkit.people import ROLES, goals_version, planned_conversation, school_round

NOT_FOUND = {"detail": _("Not found.")}
SIGNED_IN = [r for r in ROLES if r != "anonymous"]


def _api(people, role, scopes=("read", "write")):
    return api_as(people.by_role(role), scopes)


# /me ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        ("employee", {"leader": False, "leaders_leader": False, "hr": False, "admin": False}),
        ("leader", {"leader": True, "leaders_leader": False, "hr": False, "admin": False}),
        ("leaders_leader", {"leader": True, "leaders_leader": True, "hr": False, "admin": False}),
        ("hr", {"leader": False, "leaders_leader": False, "hr": True, "admin": False}),
        ("admin", {"leader": False, "leaders_leader": False, "hr": False, "admin": True}),
    ],
)
def test_me_says_who_the_caller_is_and_their_roles(people, role, roles):
    body = _api(people, role, ["read"]).get("/me").json()
    person = people.by_role(role)
    assert body["id"] == person.pk and body["email"] == person.email
    assert body["roles"] == {"employee": True, "archivist": False, "union_rep": False, **roles}
    assert body["token"]["scopes"] == ["read"]


# Conversations -----------------------------------------------------------------------


@pytest.fixture
def planned(people):
    return planned_conversation(people)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("employee", True),
        ("leader", True),
        ("other_employee", False),
        ("other_leader", False),
        ("leaders_leader", False),
        ("hr", False),
        ("admin", False),
    ],
)
def test_conversations_are_the_two_parties_alone(people, planned, role, sees):
    api = _api(people, role)
    listed = api.get("/conversations").json()
    assert [c["id"] for c in listed["items"]] == ([planned.pk] if sees else [])
    assert listed["count"] == (1 if sees else 0)
    detail = api.get(f"/conversations/{planned.pk}")
    if sees:
        assert detail.status_code == 200
        body = detail.json()
        assert body["employee"]["id"] == people.employee.pk
        assert body["leader"]["id"] == people.leader.pk
        assert body["party"] == ("employee" if role == "employee" else "leader")
    else:
        assert detail.status_code == 404
        assert detail.json() == NOT_FOUND
        # The same answer as for a conversation that does not exist.
        missing = api.get(f"/conversations/{planned.pk + 1000}")
        assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


def test_the_conversation_list_pages_and_filters(people, planned):
    signed_with_action(people)
    api = _api(people, "employee")
    assert api.get("/conversations").json()["count"] == 2
    first = api.get("/conversations", page_size=1).json()
    second = api.get("/conversations", page_size=1, page=2).json()
    assert first["count"] == second["count"] == 2
    assert {first["items"][0]["id"], second["items"][0]["id"]} == set(
        Conversation.objects.values_list("pk", flat=True)
    )
    assert api.get("/conversations", page=3, page_size=1).json()["items"] == []
    signed = api.get("/conversations", status="signed").json()
    assert [c["status"] for c in signed["items"]] == ["signed"]
    assert api.get("/conversations", status="nonsense").status_code == 422
    assert api.get("/conversations", page_size=101).status_code == 422
    assert api.get("/conversations", page=0).status_code == 422


def test_the_summary_shows_as_the_web_shows_it(people):
    """The drafter (the employee) reads the draft; the leader once it is sent for comment."""
    conversation = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=goals_version(),
        status=Conversation.Status.HELD,
        held_at=timezone.now(),
    )
    revision = SummaryRevision.objects.create(conversation=conversation, text="Utkast fra Emma")
    path = f"/conversations/{conversation.pk}"
    assert _api(people, "employee").get(path).json()["summary"]["text"] == "Utkast fra Emma"
    assert _api(people, "leader").get(path).json()["summary"] is None
    revision.submitted_at = timezone.now()
    revision.save()
    assert _api(people, "leader").get(path).json()["summary"]["text"] == "Utkast fra Emma"
    assert _api(people, "leader").get(path).json()["summary_in_force"] is None


def test_a_signed_conversation_shows_its_goals_and_the_summary_in_force(people):
    conversation, action = signed_with_action(people)
    now = timezone.now()
    SummaryRevision.objects.create(
        conversation=conversation,
        text="Vi ble enige",
        submitted_at=now,
        approved_at=now,
        employee_signed_at=now,
        leader_signed_at=now,
    )
    body = _api(people, "leader").get(f"/conversations/{conversation.pk}").json()
    assert body["summary_in_force"]["text"] == "Vi ble enige"
    assert body["goals"][0]["actions"][0]["id"] == action.pk


# Actions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("employee", True),
        ("leader", True),
        ("other_employee", False),
        ("other_leader", False),
        ("leaders_leader", False),
        ("hr", False),
        ("admin", False),
    ],
)
def test_actions_are_the_two_parties_alone(people, role, sees):
    _conversation, action = signed_with_action(people)
    api = _api(people, role)
    assert [a["id"] for a in api.get("/actions").json()["items"]] == ([action.pk] if sees else [])
    detail = api.get(f"/actions/{action.pk}")
    assert detail.status_code == (200 if sees else 404)
    if not sees:
        assert detail.json() == NOT_FOUND
        response = api.patch(f"/actions/{action.pk}", {"status": "done"})
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert Action.objects.get(pk=action.pk).status == "not_started"
        assert not ActionUpdate.objects.exists()


def test_the_action_list_filters_by_status(people):
    _c, open_action = signed_with_action(people)
    _c, done_action = signed_with_action(people, status="done")
    api = _api(people, "employee")

    def ids(**query):
        return {a["id"] for a in api.get("/actions", **query).json()["items"]}

    assert ids() == {open_action.pk, done_action.pk}
    assert ids(status="open") == {open_action.pk}
    assert ids(status="done") == {done_action.pk}
    assert ids(status="closed") == {done_action.pk}
    assert ids(status="overdue") == set()
    Action.objects.filter(pk=open_action.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    assert ids(status="overdue") == {open_action.pk}
    assert api.get("/actions", status="late").status_code == 422


def test_an_update_goes_through_the_service_and_is_audited(people):
    _conversation, action = signed_with_action(people)
    api = _api(people, "leader")
    response = api.patch(f"/actions/{action.pk}", {"status": "done", "comment": "Gjennomført"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done"
    assert [(h["from_status"], h["to_status"], h["comment"]) for h in body["history"]] == [
        ("not_started", "done", "Gjennomført")
    ]
    assert body["history"][0]["actor"]["id"] == people.leader.pk
    update = ActionUpdate.objects.get()
    assert (update.actor, update.to_status) == (people.leader, "done")
    entry = AuditEntry.objects.get(action="action.update")
    assert entry.actor_id == people.leader.pk
    assert entry.object_id == str(action.pk)
    assert entry.data == {"status": "done", "commented": True}
    # The employee sees the update in the action's history.
    history = _api(people, "employee").get(f"/actions/{action.pk}").json()["history"]
    assert history[0]["comment"] == "Gjennomført"


def test_a_comment_alone_is_an_update(people):
    _conversation, action = signed_with_action(people)
    response = _api(people, "employee").patch(f"/actions/{action.pk}", {"comment": "Påbegynt"})
    assert response.status_code == 200
    assert response.json()["status"] == "not_started"
    assert ActionUpdate.objects.get().comment == "Påbegynt"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "dropped"}, "comment"),  # dropping takes a why
        ({}, "comment"),  # nothing changed, nothing said
        ({"status": "not_started"}, "comment"),  # the same status, no comment
        ({"comment": "   "}, "comment"),
    ],
)
def test_the_services_refusals_are_400_with_the_field_and_change_nothing(people, body, field):
    _conversation, action = signed_with_action(people)
    response = _api(people, "employee").patch(f"/actions/{action.pk}", body)
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["detail"]
    assert Action.objects.get(pk=action.pk).status == "not_started"
    assert not ActionUpdate.objects.exists()
    assert not AuditEntry.objects.filter(action="action.update").exists()


def test_an_action_of_an_unsigned_conversation_is_not_followed_up_yet(people, planned):
    goal = planned.goals.create(text="Mål")
    action = Action.objects.create(
        goal=goal, text="Tiltak", employee=people.employee, leader=people.leader
    )
    api = _api(people, "employee")
    assert api.get(f"/actions/{action.pk}").json()["followed_up"] is False
    response = api.patch(f"/actions/{action.pk}", {"status": "done"})
    assert response.status_code == 400
    assert Action.objects.get(pk=action.pk).status == "not_started"


@pytest.mark.parametrize(
    "body",
    [
        '{"status": "done", "owner": "me"}',  # an unknown field
        '{"status": "finished"}',  # not a status
        '{"status": 3}',
        '{"comment": ["a"]}',
        '{"comment": "' + "x" * 2001 + '"}',
        '{"comment": "a\\u0000b"}',
        "[]",
        '"done"',
    ],
)
def test_input_that_does_not_match_the_schema_is_422_and_changes_nothing(people, body):
    _conversation, action = signed_with_action(people)
    response = _api(people, "employee").patch(f"/actions/{action.pk}", body, raw=True)
    assert response.status_code == 422, response.content
    assert isinstance(response.json()["detail"], list)
    assert Action.objects.get(pk=action.pk).status == "not_started"
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("body", ['{"status": "done"', "status=done", "\xff\xfe", "{'a': 1}"])
def test_a_body_that_is_not_json_is_400_and_changes_nothing(people, body):
    _conversation, action = signed_with_action(people)
    response = _api(people, "employee").patch(f"/actions/{action.pk}", body, raw=True)
    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot parse request body"
    assert not ActionUpdate.objects.exists()


def test_the_wrong_method_is_refused(people):
    _conversation, action = signed_with_action(people)
    api = _api(people, "employee")
    assert api.post(f"/actions/{action.pk}", {"status": "done"}).status_code == 405
    assert api.post("/me").status_code == 405
    assert not ActionUpdate.objects.exists()


# Rounds ------------------------------------------------------------------------------


@pytest.fixture
def round_(people):
    return school_round(people)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("employee", 403),
        ("other_employee", 403),
        ("leader", 200),
        ("other_leader", 200),
        ("leaders_leader", 200),
        ("hr", 200),
        ("admin", 403),
    ],
)
def test_rounds_are_for_hr_and_leaders(people, round_, role, status):
    api = _api(people, role)
    listed = api.get("/rounds")
    assert listed.status_code == status
    progress = api.get(f"/rounds/{round_.pk}/progress")
    assert progress.status_code == status
    if status == 200:
        assert [r["id"] for r in listed.json()["items"]] == [round_.pk]


def test_round_progress_counts_what_the_caller_may_see(people, round_):
    """HR manages the round and sees everyone in it; a leader the people they hold."""
    everyone = _api(people, "hr").get(f"/rounds/{round_.pk}/progress").json()
    mine = _api(people, "leader").get(f"/rounds/{round_.pk}/progress").json()
    assert everyone["totals"]["total"] == round_.participants.filter(included=True).count()
    held_by_leader = round_.participants.filter(holder=people.leader, included=True).count()
    assert mine["totals"]["total"] == held_by_leader
    assert {row["leader"]["id"] for row in mine["by_leader"]} == {people.leader.pk}
    assert everyone["leaders"] == len(everyone["by_leader"]) >= 2
    page = _api(people, "hr").get(f"/rounds/{round_.pk}/progress", page_size=1).json()
    assert len(page["by_leader"]) == 1 and page["leaders"] == everyone["leaders"]


def test_a_round_the_leader_is_not_in_is_404(people, round_):
    round_.participants.filter(holder=people.other_leader).update(holder=people.leader)
    response = _api(people, "other_leader").get(f"/rounds/{round_.pk}/progress")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# Units and people --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "units", "people_status"),
    [
        ("employee", 403, 403),
        ("leader", 403, 200),
        ("leaders_leader", 403, 200),
        ("hr", 200, 200),
        ("admin", 200, 200),
    ],
)
def test_units_and_people_lists_are_for_whom_the_web_shows_them(people, role, units, people_status):
    api = _api(people, role)
    assert api.get("/units").status_code == units
    assert api.get("/people").status_code == people_status


def test_units_come_in_tree_order_and_search(people):
    api = _api(people, "hr")
    body = api.get("/units").json()
    assert body["count"] == 5
    names = [(u["name"], u["depth"]) for u in body["items"]]
    assert names.index(("Skole", 0)) < names.index(("Avdeling 1", 1)) < names.index(("Team 1", 2))
    assert [u["code"] for u in api.get("/units", q="avdeling").json()["items"]] == ["D1", "D2"]


def test_a_leader_lists_their_line_and_hr_everyone(people):
    line = {p["id"] for p in _api(people, "leader").get("/people").json()["items"]}
    assert line == {people.leader.pk, people.employee.pk}
    everyone = _api(people, "hr").get("/people").json()
    assert everyone["count"] == 7
    school = Unit.objects.get(code="E").pk
    in_school = {p["id"] for p in _api(people, "hr").get("/people", unit=school).json()["items"]}
    assert people.hr.pk not in in_school and people.employee.pk in in_school
    found = _api(people, "hr").get("/people", q="Emma").json()["items"]
    assert [p["id"] for p in found] == [people.employee.pk]
    assert _api(people, "hr").get("/people", unit=999999).status_code == 404
    assert _api(people, "hr").get("/people", status="gone").status_code == 422


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("employee", 200),
        ("other_employee", 404),
        ("leader", 200),
        ("other_leader", 404),
        ("leaders_leader", 200),
        ("hr", 200),
        ("admin", 200),
    ],
)
def test_a_person_is_shown_to_whom_the_web_shows_them(people, role, status):
    response = _api(people, role).get(f"/people/{people.employee.pk}")
    assert response.status_code == status
    if status == 404:
        assert response.json() == NOT_FOUND


def test_a_person_lists_their_reports(people):
    body = _api(people, "hr").get(f"/people/{people.leader.pk}").json()
    assert [r["id"] for r in body["reports"]] == [people.employee.pk]


# Insight -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("employee", 403),
        ("leader", 403),  # fewer than k below them: the page sends them elsewhere too
        ("leaders_leader", 403),
        ("hr", 200),
        ("admin", 403),
    ],
)
def test_the_status_analysis_is_for_whom_the_page_is(people, role, status):
    assert _api(people, role).get("/insight/status").status_code == status


def test_the_status_analysis_counts_and_hides_small_groups(people):
    signed_with_action(people)
    api = _api(people, "hr")
    body = api.get("/insight/status").json()
    assert body["scope"] == "organization" and body["min_group"] == 5
    assert body["node"]["unit"] is None
    assert body["node"]["figures"]["signed"] == 1
    # The goal results and the ratings come from fewer than k people: not shown.
    assert body["node"]["figures"]["satisfaction_mean"] is None
    assert body["node"]["figures"]["goals_achieved_percent"] is None
    assert {row["unit"]["name"] for row in body["below"]} == {"Sentral", "Skole"}
    school = Unit.objects.get(code="E").pk
    drilled = api.get("/insight/status", unit=school).json()
    assert drilled["node"]["unit"]["id"] == school
    assert {row["unit"]["name"] for row in drilled["below"]} == {"Avdeling 1", "Avdeling 2"}
    assert api.get("/insight/status", unit=999999).status_code == 404
    assert api.get("/insight/status", round=999999).status_code == 404
    next_year = timezone.localdate().year + 1
    assert api.get("/insight/status", year=next_year).status_code == 200
    assert api.get("/insight/status", year=next_year + 1).status_code == 422
    assert api.get("/insight/status", year=1999).status_code == 422


def test_the_status_analysis_of_a_round(people, round_):
    body = _api(people, "hr").get("/insight/status", round=round_.pk).json()
    assert body["round"] == {"id": round_.pk, "name": round_.name} and body["year"] is None


# Session: the app's own use ------------------------------------------------------------


@pytest.mark.parametrize("role", SIGNED_IN)
def test_the_session_sees_what_the_token_sees(people, role):
    _conversation, action = signed_with_action(people)
    client = Client()
    client.force_login(people.by_role(role))
    session = Api(client=client)
    token = _api(people, role, ["read"])
    for path in ("/me", "/conversations", "/actions", "/rounds", "/units", "/people"):
        by_session, by_token = session.get(path), token.get(path)
        assert by_session.status_code == by_token.status_code, path
        if path != "/me":
            assert by_session.json() == by_token.json(), path


def test_json_from_the_api_is_never_cached(people):
    response = _api(people, "employee").get("/me")
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["id"] == people.employee.pk
    assert response.wsgi_request.path.startswith(API)
