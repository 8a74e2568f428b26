"""A leader's schedule in a round (rounds.views.schedule): the proposal inside the windows,
windows added and removed with htmx, the schedule accepted or refused with a message that
plans nothing, and what the confirmation and the page say. (Every URL × role is in
tests/test_access_matrix.py.)"""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from samtale.conversations.models import Conversation
from samtale.rounds.models import Participant, Window
from samtale.rounds.tests.conftest import OSLO, at
from samtale.rounds.tests.test_views import HTMX, body, schedule_url, slots


def test_the_leader_sees_the_proposal_inside_the_window(client_for, round_, people, window):
    page = body(client_for("leader").get(schedule_url(round_, people.leader)))
    assert people.employee.full_name in page
    assert 'value="01.12.2026"' in page and 'value="09:00"' in page
    assert reverse("schedule_accept", args=[round_.pk, people.leader.pk]) in page


def test_without_windows_the_page_explains_what_is_missing(client_for, round_, people):
    page = body(client_for("leader").get(schedule_url(round_, people.leader)))
    assert gettext("No time is given in the days proposed.") in page
    assert 'class="empty"' in page


def test_a_window_added_with_htmx_returns_the_planner_with_a_new_proposal(
    client_for, round_, people
):
    response = client_for("leader").post(
        reverse("window_add", args=[round_.pk, people.leader.pk]),
        {"date": "02.12.2026", "start": "12:00", "end": "15:00", "place": "Rom 3"},
        **HTMX,
    )
    page = body(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="planner"')
    assert 'value="02.12.2026"' in page and 'value="12:00"' in page
    assert Window.objects.get().place == "Rom 3"


@pytest.mark.parametrize(
    "data",
    [
        {"date": "02.12.2026", "start": "15:00", "end": "12:00", "place": "Rom"},
        {"date": "02.12.2026", "start": "12:00", "end": "13:00", "place": "Rom"},
        {"date": "20.11.2026", "start": "12:00", "end": "15:00", "place": "Rom"},
        {"date": "", "start": "12:00", "end": "15:00", "place": "Rom"},
        {"date": "02.12.2026", "start": "12:00", "end": "15:00", "place": ""},
    ],
)
def test_a_bad_window_gets_a_message_and_adds_nothing(client_for, round_, people, data):
    response = client_for("leader").post(
        reverse("window_add", args=[round_.pk, people.leader.pk]), data, **HTMX
    )
    assert response.status_code == 200
    assert "<ds-error-summary" in body(response)
    assert not Window.objects.exists()


def test_a_window_is_removed_with_htmx(client_for, round_, people, window):
    response = client_for("leader").post(reverse("window_delete", args=[window.pk]), **HTMX)
    assert body(response).lstrip().startswith('<div id="planner"')
    assert not Window.objects.exists()


def test_the_leader_accepts_the_schedule_and_the_conversation_is_planned(
    client_for, round_, people, participant, window, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("leader").post(
            reverse("schedule_accept", args=[round_.pk, people.leader.pk]),
            slots((participant, "01.12.2026", "10:15", "Møterom 2")),
        )
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.scheduled_at == datetime(2026, 12, 1, 10, 15, tzinfo=OSLO)
    assert conversation.status == "invited"  # within the 14 days' lead time: invited at once
    page = body(client_for("leader").get(schedule_url(round_, people.leader)))
    assert gettext("Every conversation you hold in this round has a time.") in page
    assert reverse("conversation_schedule", args=[conversation.pk]) in page


def test_a_clashing_schedule_is_marked_and_nothing_is_planned(client_for, round_, people, window):
    other = Participant.objects.get(round=round_, person=people.other_employee)
    other.holder = people.leader
    other.save()
    mine = Participant.objects.get(round=round_, person=people.employee)
    response = client_for("leader").post(
        reverse("schedule_accept", args=[round_.pk, people.leader.pk]),
        slots((mine, "01.12.2026", "09:00", "Rom"), (other, "01.12.2026", "09:30", "Rom")),
    )
    assert response.status_code == 200
    page = body(response)
    assert page.count('class="problem"') == 2
    assert not Conversation.objects.exists()


def test_a_slot_without_a_date_gets_a_message(client_for, round_, people, participant, window):
    response = client_for("leader").post(
        reverse("schedule_accept", args=[round_.pk, people.leader.pk]),
        slots((participant, "", "09:00", "Rom")),
    )
    assert response.status_code == 200
    assert not Conversation.objects.exists()


def test_a_time_in_the_past_is_refused_and_nothing_is_planned(
    client_for, round_, people, participant
):
    response = client_for("leader").post(
        reverse("schedule_accept", args=[round_.pk, people.leader.pk]),
        slots((participant, "20.11.2026", "09:00", "Rom")),
    )
    assert response.status_code == 302
    assert not Conversation.objects.exists()


def test_hr_sees_a_leaders_schedule_but_another_leader_does_not(client_for, round_, people):
    assert client_for("hr").get(schedule_url(round_, people.leader)).status_code == 200
    assert client_for("other_leader").get(schedule_url(round_, people.leader)).status_code == 403
    # Someone who holds nothing in the round has no schedule in it.
    assert client_for("hr").get(schedule_url(round_, people.employee)).status_code == 404


# Who is missing a conversation -----------------------------------------------------------


def test_a_closed_round_proposes_nothing(client_for, round_, people, window):
    client_for("hr").post(reverse("round_close", args=[round_.pk]))
    page = body(client_for("leader").get(schedule_url(round_, people.leader)))
    assert gettext("The round is closed: nothing more is scheduled in it.") in page
    assert reverse("schedule_accept", args=[round_.pk, people.leader.pk]) not in page
    assert reverse("window_add", args=[round_.pk, people.leader.pk]) not in page


def test_the_confirmation_says_which_invitations_go_now_and_when_the_rest_go(
    client_for, round_, people, participant, django_capture_on_commit_callbacks
):
    """It said they go 14 days before even when they went at once."""
    other = Participant.objects.get(round=round_, person=people.other_employee)
    other.holder = people.leader
    other.save()
    client = client_for("leader")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schedule_accept", args=[round_.pk, people.leader.pk]),
            slots(
                (participant, "01.12.2026", "10:15", "Møterom 2"),
                (other, "04.01.2027", "10:15", "Møterom 2"),
            ),
            follow=True,
        )
    page = body(response)
    assert "2 samtaler er satt opp." in page
    assert "1 invitasjon går ut nå, med kalenderinvitasjon." in page
    assert "1 går ut 14 dager før samtalen, 21.12." in page
    statuses = dict(Conversation.objects.values_list("employee_id", "status"))
    assert statuses == {people.employee.pk: "invited", people.other_employee.pk: "planned"}


def test_no_time_is_offered_on_a_day_off_and_a_window_on_one_is_refused(client_for, round_, people):
    """The timetable offered "lørdag 5. desember 09:00–15:00" while saying "Fridag:
    lørdag": a window given on a day off (before this rule) is named so, and no time is
    proposed in it; a new one is refused, saying why."""
    Window.objects.create(
        round=round_,
        leader=people.leader,
        starts_at=at(date(2026, 12, 6), 9),  # a Sunday
        ends_at=at(date(2026, 12, 6), 15),
        place="Møterom 2",
    )
    page = body(client_for("leader").get(schedule_url(round_, people.leader)))
    assert page.count("Fridag: søndag") == 1  # the window, and no time proposed in it
    assert 'name="slot-0-take"' not in page
    response = client_for("leader").post(
        reverse("window_add", args=[round_.pk, people.leader.pk]),
        {"date": "25.12.2026", "start": "09:00", "end": "15:00", "place": "Rom 3"},
        **HTMX,
    )
    assert "25.12.2026 er en fridag (1. juledag)" in body(response)
    assert Window.objects.count() == 1
