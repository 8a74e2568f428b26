"""Each page works, hides from the wrong people, refuses bad input with a message that
changes nothing, and answers htmx with its fragment. (Every URL × role is in
tests/test_access_matrix.py.)"""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext

from samtale.conversations.models import Conversation
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import Person, Unit
from samtale.rounds.models import Participant, Round, Window
from samtale.rounds.tests.conftest import OSLO, at
from samtale.rounds.views import rounds as rounds_views

HTMX = {"HTTP_HX_REQUEST": "true"}


def body(response) -> str:
    return response.content.decode()


def new_round_data(guide, unit, **changes):
    data = {
        "name": "Medarbeidersamtaler 2027",
        "period_start": "01.12.2026",
        "period_end": "31.03.2027",
        "kind": "annual",
        "guide": guide.pk,
        "units": [unit.pk],
        "duration_minutes": "90",
        "buffer_minutes": "15",
        "max_per_day": "2",
        "lead_days": "14",
        "min_days_ahead": "7",
        "max_days_ahead": "14",
        "reminder_days": "3",
    }
    data.update(changes)
    return data


# The list and creating a round --------------------------------------------------------


def test_the_menu_shows_rounds_to_hr_and_leaders_only(client_for, people):
    assert reverse("round_list") in body(client_for("hr").get(reverse("home")))
    assert reverse("round_list") in body(client_for("leader").get(reverse("home")))
    assert reverse("round_list") not in body(client_for("employee").get(reverse("home")))


def test_the_list_is_empty_at_first_and_says_what_to_do(client_for, people):
    response = client_for("hr").get(reverse("round_list"))
    assert 'class="empty"' in body(response)
    assert reverse("round_create") in body(response)


def test_hr_creates_a_round_with_norwegian_dates(client_for, people, guide, school):
    response = client_for("hr").post(reverse("round_create"), new_round_data(guide, school))
    round_ = Round.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("round_detail", args=[round_.pk])
    assert (round_.period_start, round_.period_end) == (date(2026, 12, 1), date(2027, 3, 31))
    assert round_.participants.count() == 5
    assert round_.created_by == people.hr


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"period_end": "01.11.2026"},
        {"units": []},
        {"max_per_day": "0"},
        {"min_days_ahead": "10", "max_days_ahead": "3"},
        {"period_start": "31.31.2026"},
    ],
)
def test_bad_input_gets_a_message_and_creates_nothing(client_for, people, guide, school, changes):
    response = client_for("hr").post(
        reverse("round_create"), new_round_data(guide, school, **changes)
    )
    assert response.status_code == 200
    assert "<ds-error-summary" in body(response)
    assert not Round.objects.exists()


def test_a_leader_is_offered_only_the_units_of_their_people(client_for, people):
    page = body(client_for("leader").get(reverse("round_create")))
    assert "Team 1" in page
    assert "Avdeling 2" not in page and "Sentral" not in page


def test_the_list_shows_a_leader_the_rounds_they_hold_conversations_in(client_for, round_, people):
    assert round_.name in body(client_for("leader").get(reverse("round_list")))
    outsider = Person.objects.create_user(
        "boss@test.example", "x", first_name="B", last_name="B", unit=Unit.objects.get(code="S")
    )
    Person.objects.filter(pk=people.admin.pk).update(manager=outsider)
    client = client_for("anonymous")
    client.force_login(outsider)
    assert round_.name not in body(client.get(reverse("round_list")))


# The round's page ------------------------------------------------------------------------


def test_hr_sees_progress_and_everyone_in_the_round(client_for, round_, people):
    page = body(client_for("hr").get(reverse("round_detail", args=[round_.pk])))
    for person in (people.employee, people.other_employee, people.leader, people.leaders_leader):
        assert person.full_name in page
    assert reverse("round_share", args=[round_.pk]) in page
    assert reverse("round_schedule", args=[round_.pk, people.leader.pk]) in page


def test_a_leader_who_holds_sees_only_their_own_people(client_for, round_, people):
    page = body(client_for("leader").get(reverse("round_detail", args=[round_.pk])))
    assert people.employee.full_name in page
    assert people.other_employee.full_name not in page
    assert reverse("round_share", args=[round_.pk]) not in page
    assert reverse("round_schedule", args=[round_.pk, people.leader.pk]) in page


def test_the_participants_filter_answers_htmx_with_the_fragment(client_for, round_, people):
    response = client_for("hr").get(
        reverse("round_detail", args=[round_.pk]), {"state": "no_holder"}, **HTMX
    )
    page = body(response)
    assert page.lstrip().startswith('<div id="participants"')
    assert "<html" not in page
    assert people.leaders_leader.full_name in page
    assert people.employee.full_name not in page


def test_a_bad_filter_is_ignored(client_for, round_, people):
    response = client_for("hr").get(
        reverse("round_detail", args=[round_.pk]), {"state": "x", "holder": "y"}
    )
    assert response.status_code == 200


def test_hr_changes_and_closes_and_reopens_the_round(client_for, round_, people):
    client = client_for("hr")
    data = {
        "name": "Nytt navn",
        "period_start": "23.11.2026",
        "period_end": "01.04.2027",
        "duration_minutes": "60",
        "buffer_minutes": "10",
        "max_per_day": "1",
        "lead_days": "10",
        "min_days_ahead": "7",
        "max_days_ahead": "14",
        "reminder_days": "2",
    }
    assert client.post(reverse("round_edit", args=[round_.pk]), data).status_code == 302
    round_.refresh_from_db()
    assert (round_.name, round_.duration_minutes, round_.max_per_day) == ("Nytt navn", 60, 1)
    bad = client.post(reverse("round_edit", args=[round_.pk]), {**data, "lead_days": "0"})
    assert bad.status_code == 200 and "<ds-error-summary" in body(bad)
    assert Round.objects.get(pk=round_.pk).lead_days == 10
    client.post(reverse("round_close", args=[round_.pk]))
    assert Round.objects.get(pk=round_.pk).closed_at is not None
    client.post(reverse("round_close", args=[round_.pk]), {"open": "1"})
    assert Round.objects.get(pk=round_.pk).closed_at is None


# Participants --------------------------------------------------------------------------


def test_hr_adds_a_temporary_employee(client_for, round_, people):
    temp = Person.objects.create_user(
        "vikar@test.example",
        "x",
        first_name="Vera",
        last_name="Vikar",
        unit=Unit.objects.get(code="T1"),
        manager=people.leader,
        employment_type="temporary",
    )
    search = reverse("pick", args=["round-person"]) + f"?runde={round_.pk}&q=Vikar"
    assert "Vera Vikar" in body(client_for("hr").get(search))  # offered
    response = client_for("hr").post(
        reverse("participant_add", args=[round_.pk]), {"person": temp.pk}
    )
    assert response.status_code == 302
    assert Participant.objects.get(round=round_, person=temp).added_manually


def test_removing_needs_a_reason(client_for, round_, participant):
    url = reverse("participant_remove", args=[participant.pk])
    client = client_for("hr")
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "<ds-error-summary" in body(response)
    assert Participant.objects.get(pk=participant.pk).included
    assert client.post(url, {"reason": "Foreldrepermisjon"}).status_code == 302
    assert not Participant.objects.get(pk=participant.pk).included


def test_hr_moves_one_conversation_to_another_leader(client_for, round_, participant, people):
    url = reverse("participant_holder", args=[participant.pk])
    search = reverse("pick", args=["round-holder"]) + f"?runde={round_.pk}&q=Testesen"
    assert people.other_leader.full_name in body(client_for("hr").get(search))
    assert client_for("hr").get(url).status_code == 200
    assert client_for("hr").post(url, {"holder": people.other_leader.pk}).status_code == 302
    assert Participant.objects.get(pk=participant.pk).holder == people.other_leader
    response = client_for("hr").post(url, {"holder": people.employee.pk})  # not a leader
    assert response.status_code == 200
    assert Participant.objects.get(pk=participant.pk).holder == people.other_leader


def test_hr_shares_a_department_between_leaders(client_for, round_, people):
    url = reverse("round_share", args=[round_.pk])
    response = client_for("hr").post(
        url, {"unit": Unit.objects.get(code="T1").pk, "holder": people.other_leader.pk}
    )
    assert response.status_code == 302
    assert (
        Participant.objects.get(round=round_, person=people.employee).holder == people.other_leader
    )


def test_sharing_without_a_department_or_group_gets_a_message(client_for, round_, people):
    response = client_for("hr").post(
        reverse("round_share", args=[round_.pk]), {"holder": people.other_leader.pk}
    )
    assert response.status_code == 200
    assert gettext("Choose a department or a profession group.") in body(response)
    assert Participant.objects.get(round=round_, person=people.employee).holder == people.leader


# The schedule ------------------------------------------------------------------------


def schedule_url(round_, leader):
    return reverse("round_schedule", args=[round_.pk, leader.pk])


def slots(*rows):
    data = {"slot-TOTAL_FORMS": str(len(rows)), "slot-INITIAL_FORMS": str(len(rows))}
    for i, (participant, day, at_time, place) in enumerate(rows):
        data |= {
            f"slot-{i}-participant": participant.pk,
            f"slot-{i}-take": "on",
            f"slot-{i}-date": day,
            f"slot-{i}-time": at_time,
            f"slot-{i}-place": place,
        }
    return data


def test_hr_sees_who_is_missing_a_signed_conversation(client_for, people, guide):
    Conversation.objects.create(
        employee=people.other_employee,
        leader=people.other_leader,
        guide_version=guide.versions.get(),
        status="signed",
        scheduled_at=datetime(2026, 5, 1, 10, tzinfo=OSLO),
        signed_at=datetime(2026, 5, 1, 12, tzinfo=OSLO),
    )
    hr = client_for("hr")
    page = body(hr.get(reverse("round_coverage")))
    # The counts per unit, and everyone missing one in the whole organization at once.
    assert "Team 1" in page and people.employee.full_name in page
    assert people.other_employee.full_name not in page  # signed in May
    team = body(hr.get(reverse("round_coverage"), {"unit": people.employee.unit_id}))
    assert people.employee.full_name in team  # never had one
    other = body(hr.get(reverse("round_coverage"), {"unit": people.other_employee.unit_id}))
    assert people.other_employee.full_name not in other  # signed in May
    response = client_for("hr").get(
        reverse("round_coverage"), {"unit": Unit.objects.get(code="D2").pk}, **HTMX
    )
    fragment = body(response)
    assert fragment.lstrip().startswith('<div id="people"')
    assert people.employee.full_name not in fragment


def test_the_coverage_page_is_hrs_only(client_for, people):
    for role in ("leader", "leaders_leader", "admin", "employee"):
        assert client_for(role).get(reverse("round_coverage")).status_code == 403


def test_a_large_round_page_costs_the_same_queries(
    client_for, round_, people, django_assert_max_num_queries
):
    team = Unit.objects.get(code="T1")
    for i in range(60):
        person = Person.objects.create_user(
            f"p{i}@test.example",
            "x",
            first_name=f"P{i}",
            last_name="T",
            unit=team,
            manager=people.leader,
        )
        Participant.objects.create(round=round_, person=person, holder=people.leader)
    client = client_for("hr")
    client.get(reverse("round_detail", args=[round_.pk]))  # warm up the session
    with django_assert_max_num_queries(25):
        response = client.get(reverse("round_detail", args=[round_.pk]))
    assert response.status_code == 200
    for day in range(7, 12):
        Window.objects.create(
            round=round_,
            leader=people.leader,
            starts_at=at(date(2026, 11, 23) + timedelta(days=day), 9),
            ends_at=at(date(2026, 11, 23) + timedelta(days=day), 15),
            place="Rom",
        )
    client_leader = client_for("leader")
    client_leader.get(schedule_url(round_, people.leader))
    with django_assert_max_num_queries(25):
        client_leader.get(schedule_url(round_, people.leader))


def test_the_round_form_shows_the_units_as_nested_lists(client_for, people):
    """A team is a list item inside its department's list: the level is in the structure,
    not only in the indentation."""
    page = body(client_for("hr").get(reverse("round_create")))
    tree = page[page.index('<ul class="unit-tree"') : page.index('<fieldset class="settings"')]
    assert tree.count("<ul") == tree.count("</ul>") and tree.count("<li>") == tree.count("</li>")
    department, team = tree.index(">Avdeling 1</label>"), tree.index(">Team 1</label>")
    assert "<ul>" in tree[department:team]  # the team's list opens inside the department


def test_the_round_form_costs_the_same_queries_for_more_templates_and_units(
    client_for, guide, school
):
    client = client_for("hr")

    def queries() -> int:
        client.get(reverse("round_create"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("round_create")).status_code == 200
        return len(captured)

    few = queries()
    version = guide.versions.order_by("-number").first()
    for i in range(4):
        copy = Guide.objects.create()
        GuideVersion.objects.create(
            guide=copy,
            number=1,
            name={"nb": f"Mal {i}"},
            kind=version.kind,
            summary_author=version.summary_author,
            duration_minutes=version.duration_minutes,
            themes=version.themes,
        )
        Unit.objects.create(code=f"X{i}", name=f"Enhet {i}", parent=school)
    assert queries() == few
    page = body(client.get(reverse("round_create")))
    assert ">Mal 3</option>" in page and ">Enhet 3</label>" in page


def test_a_big_rounds_counts_per_leader_come_when_scrolled_to(
    client_for, round_, people, monkeypatch
):
    """A round with more leaders or units than one page of their tables shows its totals at
    once, and the tables from round_progress: asked by htmx when they come into view, or
    followed as a link (without JavaScript), their pages on that page of their own."""
    monkeypatch.setattr(rounds_views, "COUNTS_PAGE_SIZE", 1)
    progress_url = reverse("round_progress", args=[round_.pk])
    page = body(client_for("hr").get(reverse("round_detail", args=[round_.pk])))
    assert f'hx-get="{progress_url}" hx-trigger="revealed"' in page
    assert f'href="{progress_url}"' in page  # without JavaScript
    assert 'id="by-leader"' not in page and 'id="by-unit"' not in page

    part = body(client_for("hr").get(progress_url, **HTMX))
    assert "<html" not in part and '<h3 class="ds-heading" data-size="sm" id="by-leader">' in part
    assert f'href="{progress_url}?enheter=2#by-unit"' in part  # its next page, on its own page
    whole = body(client_for("hr").get(progress_url, {"ledere": "2"}))
    assert "<html" in whole and '<h2 class="ds-heading" data-size="sm" id="by-leader">' in whole
    assert f'href="{reverse("round_detail", args=[round_.pk])}"' in whole

    # A leader who holds conversations sees their own row only; an employee nothing.
    mine = body(client_for("leader").get(progress_url))
    assert people.leader.full_name in mine and people.leaders_leader.full_name not in mine
    assert client_for("employee").get(progress_url).status_code in (403, 404)


def test_a_small_rounds_counts_per_leader_are_on_its_page(client_for, round_, people):
    page = body(client_for("hr").get(reverse("round_detail", args=[round_.pk])))
    assert 'id="by-leader"' in page and 'hx-trigger="revealed"' not in page


def test_names_in_the_rounds_table_lead_where_the_viewer_may_go(
    client_for, round_, people, participant, window, django_capture_on_commit_callbacks
):
    """The leader: to the schedule while it has no time, then to the conversation; HR: to
    the person, and the leader's name to their schedule."""
    url = reverse("round_detail", args=[round_.pk])
    schedule = reverse("round_schedule", args=[round_.pk, people.leader.pk])
    leader_page = body(client_for("leader").get(url))
    assert f'href="{schedule}">{people.employee.full_name}</a>' in leader_page
    with django_capture_on_commit_callbacks(execute=True):
        client_for("leader").post(
            reverse("schedule_accept", args=[round_.pk, people.leader.pk]),
            slots((participant, "01.12.2026", "10:15", "Møterom 2")),
        )
    conversation = Conversation.objects.get()
    leader_page = body(client_for("leader").get(url))
    detail = reverse("conversation_detail", args=[conversation.pk])
    assert f'href="{detail}">{people.employee.full_name}</a>' in leader_page
    hr_page = body(client_for("hr").get(url))
    person = reverse("person_detail", args=[people.employee.pk])
    assert f'href="{person}">{people.employee.full_name}</a>' in hr_page
    assert f'href="{schedule}">{people.leader.full_name}</a>' in hr_page
    assert detail not in hr_page
