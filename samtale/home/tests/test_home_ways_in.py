"""The home page read once and found in (issue 61): a short list of links at its top to each
of its sections present, and a conversation moved to a new leader without a time shown in
the hand-over card only, with its one action there."""

import re

from django.urls import reverse

from samtale.actions.tests.test_handover import World, by_form, signed_in
from samtale.conversations.models import Conversation
from samtale.org.models import LeaderChange


def _home(person):
    return signed_in(person).get(reverse("home"))


def _index(body: str) -> list[str]:
    """The targets of the home page's in-page links, each checked to exist on the page."""
    nav = re.search(r'<nav class="in-page home-index"[^>]*>(.*?)</nav>', body, re.S)
    assert nav, "the home page has its in-page links"
    targets = re.findall(r'href="#([\w-]+)"', nav.group(1))
    for target in targets:
        assert body.count(f'id="{target}"') == 1, target
    return targets


def test_a_leaders_home_links_to_each_of_its_sections(people):
    World(people)
    body = _home(people.leader).content.decode()
    targets = _index(body)
    assert targets[0] == "todo-heading" and targets[-1] == "me-heading"
    assert "reports-heading" in targets
    nav = re.search(r'<nav class="in-page home-index".*?</nav>', body, re.S).group(0)
    assert ">Venter på deg<" in nav and ">Medarbeiderne dine<" in nav
    # Only the sections present: a leader sees no pitfalls across the organization.
    assert "pitfalls-heading" not in targets and "org-heading" not in targets


def test_hrs_home_links_to_hrs_sections(people):
    targets = _index(_home(people.hr).content.decode())
    assert {"todo-heading", "pitfalls-heading", "org-heading", "me-heading"} <= set(targets)


def test_a_short_home_has_no_index(people):
    """An employee with nothing but what waits and themselves: two sections, no index."""
    body = _home(people.employee).content.decode()
    if "last-conversation" not in body:
        assert "home-index" not in body
    else:
        _index(body)


def test_a_conversation_moved_without_a_time_is_shown_once(people):
    World(people)
    by_form(people)
    change = LeaderChange.objects.get(person=people.employee)
    moved = Conversation.objects.get(pk=change.moved[0][1])
    Conversation.objects.filter(pk=moved.pk).update(scheduled_at=None)
    response = _home(people.other_leader)
    body = response.content.decode()
    # In the hand-over card, with its one action …
    assert "uten tid: den forrige ble avlyst" in body
    schedule = reverse("conversation_schedule", args=[moved.pk])
    assert body.count(f'href="{schedule}"') == 1
    # … and not again as a card of its own in what waits.
    tasks = response.context["attention"]["tasks"]
    assert moved.pk not in [task.conversation.pk for task in tasks]
    # Its one other link is in the list of the leader's employees, by its status.
    assert body.count(f'href="{reverse("conversation_detail", args=[moved.pk])}"') == 1


def test_a_moved_conversation_with_a_time_keeps_its_card_and_next_step(people):
    World(people)
    by_form(people)
    change = LeaderChange.objects.get(person=people.employee)
    moved = Conversation.objects.get(pk=change.moved[0][1])
    response = _home(people.other_leader)
    tasks = response.context["attention"]["tasks"]
    assert moved.pk in [task.conversation.pk for task in tasks]
