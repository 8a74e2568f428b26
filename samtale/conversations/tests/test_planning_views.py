"""The planning rules on the pages: the plan form, the time-and-place form and the
meeting screen's close button and counter (issue 11)."""

import re

import pytest
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.org.models import Person

from .planning import at, more_reports, plan

pytestmark = pytest.mark.usefixtures("clock")
S = Conversation.Status


@pytest.fixture
def leader(client_for, people):
    """The leader's browser, in English (the messages are English msgids until translated)."""
    people.leader.language = "en"
    people.leader.save(update_fields=["language"])
    return client_for("leader")


@pytest.fixture
def busy_day(people, guide_version):
    """Two conversations of the leader on Tuesday 1 December."""
    reports = more_reports(people, 2)
    # Fetched again: the policy keeps a person's reports on the object it has seen.
    boss = Person.objects.get(pk=people.leader.pk)
    for report, hour in zip(reports, (9, 13), strict=True):
        lifecycle.conversation_plan(
            actor=boss,
            employee=report,
            leader=boss,
            guide_version=guide_version,
            scheduled_at=at(1, hour),
        )


def _plan(client, people, guide_version, **extra):
    data = {
        "employee": people.employee.pk,
        "leader": people.leader.pk,
        "guide": guide_version.guide.pk,
        "date": "01.12.2026",
        "time": "15:30",
        "duration_minutes": "",
        "place": "Møterom 2",
    }
    return client.post(reverse("conversation_create"), data | extra)


def _of_employee(people):
    return Conversation.objects.filter(employee=people.employee)


def test_the_plan_page_warns_and_offers_to_plan_anyway_for_that_day(
    leader, people, guide_version, busy_day
):
    response = _plan(leader, people, guide_version)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Leif Testesen already has 2 conversations on 01.12.2026" in body
    assert 'name="confirm" value="2026-12-01"' in body
    assert "Plan anyway" in body
    assert not _of_employee(people).exists()


def test_plan_anyway_plans_it(leader, people, guide_version, busy_day):
    response = _plan(leader, people, guide_version, confirm="2026-12-01")
    assert response.status_code == 302
    assert _of_employee(people).get().scheduled_at == at(1, 15, 30)


def test_a_confirmation_for_another_day_does_not_carry_over(
    leader, people, guide_version, busy_day
):
    response = _plan(leader, people, guide_version, confirm="2026-12-02")
    assert "already has 2 conversations" in response.content.decode()
    assert not _of_employee(people).exists()


def test_the_plan_page_names_and_links_the_open_annual_conversation(leader, people, guide_version):
    first = plan(people, people.employee, at(3, 9), guide_version)
    body = _plan(leader, people, guide_version).content.decode()
    assert "Emma Testesen already has an open annual conversation with Leif Testesen" in body
    assert f'href="{reverse("conversation_detail", args=[first.pk])}"' in body
    assert _of_employee(people).count() == 1


def test_an_impossible_time_is_named_on_the_plan_page(leader, people, guide_version):
    body = _plan(leader, people, guide_version, time="25:99").content.decode()
    assert "Time: 25:99 is not a valid time." in body
    assert not _of_employee(people).exists()


@pytest.fixture
def untimed(people, guide_version):
    return plan(people, people.employee, None, guide_version)


def _schedule(client, conversation, **data):
    values = {"date": "", "time": "", "duration_minutes": "60", "place": "Rom 5"} | data
    return client.post(reverse("conversation_schedule", args=[conversation.pk]), values)


def test_a_blank_optional_date_is_accepted_on_the_time_and_place_page(leader, untimed):
    page = leader.get(reverse("conversation_schedule", args=[untimed.pk])).content.decode()
    assert re.search(r'for="id_date">Date <span class="optional">', page)
    response = _schedule(leader, untimed)
    assert response.status_code == 302
    saved = Conversation.objects.get(pk=untimed.pk)
    assert (saved.scheduled_at, saved.place, saved.duration_minutes) == (None, "Rom 5", 60)


def test_a_conversation_with_a_time_is_moved_not_emptied(leader, people, guide_version):
    conversation = plan(people, people.employee, at(3, 9), guide_version)
    page = leader.get(reverse("conversation_schedule", args=[conversation.pk])).content.decode()
    assert not re.search(r'for="id_date">Date <span class="optional">', page)
    body = _schedule(leader, conversation).content.decode()
    assert "Choose a date." in body and "Choose a time." in body
    assert Conversation.objects.get(pk=conversation.pk).scheduled_at == at(3, 9)


def test_the_time_and_place_page_warns_before_a_full_day_and_saves_anyway(
    leader, untimed, busy_day
):
    body = _schedule(leader, untimed, date="01.12.2026", time="15:30").content.decode()
    assert "already has 2 conversations on 01.12.2026" in body
    assert "Save anyway" in body
    assert Conversation.objects.get(pk=untimed.pk).scheduled_at is None
    response = _schedule(leader, untimed, date="01.12.2026", time="15:30", confirm="2026-12-01")
    assert response.status_code == 302
    assert Conversation.objects.get(pk=untimed.pk).scheduled_at == at(1, 15, 30)


def test_an_impossible_time_is_named_on_the_time_and_place_page(leader, untimed):
    body = _schedule(leader, untimed, date="01.12.2026", time="25:99").content.decode()
    assert "Time: 25:99 is not a valid time." in body


# The meeting screen


@pytest.fixture
def planned(people, guide_version):
    return plan(people, people.employee, at(1, 9), guide_version)


def test_before_its_day_the_page_offers_to_hold_it_now_and_the_close_asks_nothing_after(
    leader, planned
):
    body = leader.get(reverse("meeting", args=[planned.pk])).content.decode()
    # Up front: the time it is planned for, and "we hold the conversation now".
    assert "The conversation is planned for Tuesday 01.12.2026 09:00." in body
    assert reverse("meeting_hold_now", args=[planned.pk]) in body
    # The close button says what closing now records, and carries it: no error after it.
    close = body.split(f'action="{reverse("meeting_close", args=[planned.pk])}"')[1]
    assert 'name="confirmed" value="1"' in close.split("</form>")[0]
    assert "<ds-error-summary" not in body


def test_a_close_from_a_page_without_the_question_points_to_it(leader, planned):
    response = leader.post(reverse("meeting_close", args=[planned.pk]))
    assert response.headers["Location"] == reverse("meeting", args=[planned.pk]) + "#hold-now"
    assert Conversation.objects.get(pk=planned.pk).status == S.PLANNED


def test_confirmed_the_meeting_is_closed_and_the_move_is_in_the_history(leader, planned):
    response = leader.post(reverse("meeting_close", args=[planned.pk]), {"confirmed": "1"})
    assert response.headers["Location"] == reverse("summary", args=[planned.pk])
    held = Conversation.objects.get(pk=planned.pk)
    assert held.status == S.HELD
    assert "01.12.2026" in held.history.last().reason


def test_on_its_day_the_close_button_asks_nothing(client_for, people, planned, clock):
    clock.move_to(at(1, 8))
    leader = client_for("leader")  # signed in on the day: a week-old session has expired
    body = leader.get(reverse("meeting", args=[planned.pk])).content.decode()
    assert 'name="confirmed"' not in body
    leader.post(reverse("meeting_close", args=[planned.pk]))
    assert Conversation.objects.get(pk=planned.pk).status == S.HELD


def test_ticking_a_theme_updates_the_counter_out_of_band(leader, planned):
    page = leader.get(reverse("meeting", args=[planned.pk])).content.decode()
    assert re.search(
        r'<span class="ds-tag" data-color="neutral" id="covered-count" aria-live="polite">0 of 3 covered',
        page,
    )
    response = leader.post(
        reverse("theme_cover", args=[planned.pk]),
        {"key": "motivasjon", "done": "on"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    # Into the live region beside the box, which says it: no second region inside it.
    assert body.startswith("Saved.") and 'role="status"' not in body
    assert re.search(r'id="covered-count" hx-swap-oob="innerHTML">1 of 3 covered</span>', body)
    # After a reload the page says the same.
    page = leader.get(reverse("meeting", args=[planned.pk])).content.decode()
    assert "1 of 3 covered" in page


def test_a_refused_tick_sends_no_counter(leader, planned):
    response = leader.post(
        reverse("theme_cover", args=[planned.pk]),
        {"key": "ukjent", "done": "on"},
        headers={"HX-Request": "true"},
    )
    assert "covered-count" not in response.content.decode()


def test_signing_asks_once_what_is_signed(client_for, people, conversation):
    from samtale.conversations.services import summary as summary_services
    from samtale.conversations.tests.summary_steps import fresh, submitted

    conversation = submitted(conversation, people)
    summary_services.summary_approve(actor=people.leader, conversation=fresh(conversation))
    employee = client_for("employee")
    page = employee.get(reverse("summary", args=[conversation.pk])).content.decode()
    assert 'id="sign-confirm"' in page and 'id="sign-what"' in page
    response = employee.post(reverse("conversation_sign", args=[conversation.pk]))
    assert response.headers["Location"].endswith("?signer=bekreft#sign-error")
    assert Conversation.objects.get(pk=conversation.pk).summaries.last().employee_signed_at is None
    again = employee.get(response.headers["Location"]).content.decode()
    assert again.count("<ds-error-summary") == 1 and 'href="#sign-confirm"' in again
    employee.post(reverse("conversation_sign", args=[conversation.pk]), {"confirm": "1"})
    assert Conversation.objects.get(pk=conversation.pk).summaries.last().employee_signed_at


def test_planning_on_a_day_off_asks_first_and_plans_when_confirmed(
    client_for, people, guide_version
):
    """A leader planning by hand on a Sunday or a holiday is told so, and may go on."""
    leader = client_for("leader")
    page = _plan(leader, people, guide_version, date="17.05.2027").content.decode()
    assert "17.05.2027 er en fridag (17. mai, 2. pinsedag)." in page
    assert not _of_employee(people).exists()
    response = _plan(leader, people, guide_version, date="17.05.2027", confirm="2027-05-17")
    assert response.status_code == 302
    assert _of_employee(people).get().scheduled_at.astimezone().day == 17
