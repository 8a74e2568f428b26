"""A meeting closed on another day than planned ("moved to today") is shown everywhere on
the day it was held, not the day it was planned for: Conversation.held_or_planned_at is the
one definition every page, e-mail, export and the API use."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from samtale.api.tests.helpers import api_as
from samtale.conversations.models import Conversation, held_or_planned_at_sql
from samtale.conversations.services import lifecycle

from .planning import at, plan

# The clock stands still; the API is called as leaders and employees with keys of their own.
pytestmark = pytest.mark.usefixtures("clock", "keys_for_everyone")

PLANNED, HELD = "01.12.2026", "23.11.2026"  # the clock stands on Monday 23 November


@pytest.fixture
def moved(people, guide_version):
    """Planned for Tuesday 1 December, closed today with "moved to today"."""
    conversation = plan(people, people.employee, at(1, 9), guide_version)
    with translation.override("en"):
        lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    return Conversation.objects.get(pk=conversation.pk)


def test_it_is_shown_on_the_day_it_was_held_once_moved_to_today(moved):
    assert moved.scheduled_at == at(1, 9)  # the plan is kept (the history names it too)
    assert moved.held_or_planned_at == moved.held_at
    assert (
        Conversation.objects.annotate(at=held_or_planned_at_sql()).get(pk=moved.pk).at
        == moved.held_at
    )


def test_it_is_the_planned_time_until_it_is_held(people, guide_version):
    conversation = plan(people, people.employee, at(1, 9), guide_version)
    assert conversation.held_or_planned_at == at(1, 9)


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("leader", lambda c: reverse("conversation_detail", args=[c.pk])),
        ("leader", lambda c: reverse("conversation_list")),
        ("leader", lambda c: reverse("summary", args=[c.pk])),
        ("employee", lambda c: reverse("home")),  # "write the summary" waits for them
    ],
    ids=["detail", "list", "summary", "home"],
)
def test_the_pages_give_the_day_it_was_held_and_the_planned_day_only_as_such(
    client_for, moved, role, page
):
    body = client_for(role).get(page(moved), headers={"Accept-Language": "nb"})
    assert body.status_code == 200
    # The history names the day it was planned for, as it should.
    text = body.content.decode().replace(f"moved to today from {PLANNED}", "")
    assert HELD in text
    # Beside the day it was held, the planned one, said to be that: never in its place.
    with translation.override("nb"):
        beside = gettext("planned for %(day)s %(time)s") % {
            "day": "tirsdag",
            "time": f"{PLANNED} 09:00",
        }
        planned = f"<dt>{gettext('Planned')}</dt><dd>tirsdag {PLANNED} 09:00</dd>"
    text = text.replace(f"({beside})", "").replace(planned, "")
    assert PLANNED not in text


def test_the_api_gives_the_day_it_was_held(people, moved):
    item = api_as(people.leader).get("/conversations").json()["items"][0]
    assert item["id"] == moved.pk
    assert item["scheduled_at"].startswith("2026-12-01")
    assert item["held_or_planned_at"] == item["held_at"]
    assert item["held_or_planned_at"].startswith("2026-11-23")
