"""The time page (`/samtaler/<id>/tid/`) offers the times both parties are free, as the
page proposing another time does (conversations.free_times): the first one filled in while
the conversation has no time, and each one click away, with the rules, the day limit's
“Save anyway” and the page without JavaScript as before. The clock stands on Monday 23
November 2026, 09:00 in Oslo (planning.NOW)."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.org.models import Person

from . import test_planning_views
from .planning import OSLO, at, more_reports, plan

pytestmark = pytest.mark.usefixtures("clock")
# The leader's browser in English, and two conversations of theirs on Tuesday 1 December.
leader, busy_day = test_planning_views.leader, test_planning_views.busy_day


@pytest.fixture
def untimed(people, guide_version):
    return plan(people, people.employee, None, guide_version)


def _url(conversation):
    return reverse("conversation_schedule", args=[conversation.pk])


def test_without_a_time_the_page_opens_with_the_first_free_time_filled_in(leader, untimed):
    page = leader.get(_url(untimed))
    form = page.context["form"]
    # 09:00 today is now, not ahead: the first free time is today's next one.
    assert (form.initial["date"], form.initial["time"]) == (date(2026, 11, 23), time(10, 30))
    body = page.content.decode()
    assert 'value="23.11.2026"' in body and 'value="10:30"' in body
    assert "filled in with the first time you are both free" in body


def test_the_page_lists_up_to_six_free_working_day_times_as_buttons(
    leader, people, guide_version, untimed
):
    # The leader's conversation with another report, Tuesday 09:00, is not offered.
    [other] = more_reports(people, 1)
    boss = Person.objects.get(pk=people.leader.pk)
    tuesday = datetime(2026, 11, 24, 9, 0, tzinfo=OSLO)
    lifecycle.conversation_plan(
        actor=boss, employee=other, leader=boss, guide_version=guide_version, scheduled_at=tuesday
    )
    page = leader.get(_url(untimed))
    choices = page.context["free_times"]
    assert 1 <= len(choices) <= 6
    body = page.content.decode()
    for value, start in choices:
        local = timezone.localtime(start)
        assert local.weekday() < 5 and start > timezone.now()
        assert f'<button type="submit" name="suggested" value="{value}"' in body
    assert tuesday not in [s for _v, s in choices]
    # The page's Save comes first in the form: Enter in a field saves what is typed.
    assert body.index(">Save</button>") < body.index('name="suggested"')


def test_one_click_on_a_free_time_sets_it(leader, untimed):
    value, start = leader.get(_url(untimed)).context["free_times"][2]
    data = {"suggested": value, "date": "", "time": "", "duration_minutes": "60", "place": "Rom 5"}
    response = leader.post(_url(untimed), data)
    assert response.status_code == 302
    saved = Conversation.objects.get(pk=untimed.pk)
    assert (saved.scheduled_at, saved.duration_minutes, saved.place) == (start, 60, "Rom 5")


def test_the_time_clicked_replaces_the_one_typed(leader, untimed):
    data = {"date": "02.12.2026", "time": "09:00", "duration_minutes": "60", "place": ""}
    response = leader.post(_url(untimed), data | {"suggested": "2026-12-03T12:30"})
    assert response.status_code == 302
    assert Conversation.objects.get(pk=untimed.pk).scheduled_at == at(3, 12, 30)


def test_a_click_past_the_day_limit_asks_first_with_the_time_in_the_fields(
    leader, untimed, busy_day
):
    data = {"date": "", "time": "", "duration_minutes": "60", "place": ""}
    body = leader.post(_url(untimed), data | {"suggested": "2026-12-01T15:00"}).content.decode()
    assert "already has 2 conversations on 01.12.2026" in body
    assert 'value="01.12.2026"' in body and 'value="15:00"' in body
    assert '<button type="submit" name="confirm" value="2026-12-01"' in body
    assert Conversation.objects.get(pk=untimed.pk).scheduled_at is None
    # “Save anyway” posts the fields, now holding the time clicked.
    data |= {"date": "01.12.2026", "time": "15:00", "confirm": "2026-12-01"}
    assert leader.post(_url(untimed), data).status_code == 302
    assert Conversation.objects.get(pk=untimed.pk).scheduled_at == at(1, 15)


def test_a_click_keeps_to_the_rules(leader, untimed):
    data = {"date": "", "time": "", "duration_minutes": "60", "place": ""}
    body = leader.post(_url(untimed), data | {"suggested": "2026-12-05T10:00"}).content.decode()
    assert Conversation.objects.get(pk=untimed.pk).scheduled_at is None
    assert 'value="05.12.2026"' in body


def test_with_a_time_the_page_keeps_it_and_offers_the_free_times(leader, people, guide_version):
    conversation = plan(people, people.employee, at(3, 9), guide_version)
    page = leader.get(_url(conversation))
    assert (page.context["form"].initial["date"], page.context["form"].initial["time"]) == (
        date(2026, 12, 3),
        time(9, 0),
    )
    assert page.context["free_times"]
    assert "filled in with the first time" not in page.content.decode()
    value, start = page.context["free_times"][0]
    data = {"suggested": value, "date": "03.12.2026", "time": "09:00"}
    assert leader.post(_url(conversation), data | {"duration_minutes": "90"}).status_code == 302
    assert Conversation.objects.get(pk=conversation.pk).scheduled_at == start


def test_the_free_times_do_not_cost_a_query_per_person(
    leader, people, untimed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        leader.get(_url(untimed))
