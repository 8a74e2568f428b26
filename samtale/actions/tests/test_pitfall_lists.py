"""Each pitfall count links to what it counts, through the same access policy as the count:
a leader's nudges on Oppfølging to the conversations and actions they hold, HR's counts on
the home page to who and when across the organization, never what anyone wrote."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samtale.actions import nudges, policy, selectors
from samtale.actions.models import Action
from samtale.actions.tests.conftest import days
from samtale.conversations import policy as conversations_policy
from samtale.conversations.models import Conversation
from samtale.org.models import Person
from samtale.rounds.coverage import missing

PLACE = "MARKER-place"


def _conversation(version, employee, leader, **fields):
    return Conversation.objects.create(
        employee=employee, leader=leader, guide_version=version, place=PLACE, **fields
    )


def _every_pitfall(version, signed, employee, leader):
    """One of each of the six pitfalls in the conversations `leader` holds with `employee`."""
    name = employee.first_name
    recently = timezone.now() - timedelta(days=20)
    _conversation(version, employee, leader, status="postponed", postponed_count=2)
    _conversation(
        version,
        employee,
        leader,
        status="invited",
        scheduled_at=timezone.now() + timedelta(hours=20),
    )
    no_goals = signed(employee, leader)
    no_goals.goals.all().delete()
    Conversation.objects.filter(pk=no_goals.pk).update(
        held_at=recently, talk_leader_seconds=3000, talk_employee_seconds=1000
    )
    with_actions = signed(
        employee,
        leader,
        [(days(-3), "employee", "in_progress"), (days(40), "leader", "not_started")],
    )
    Action.objects.filter(goal__conversation=with_actions, deadline=days(40)).update(
        updated_at=timezone.now() - timedelta(days=120), text=f"Stale action of {name}"
    )
    Action.objects.filter(goal__conversation=with_actions, deadline=days(-3)).update(
        text=f"Overdue action of {name}"
    )
    Conversation.objects.filter(employee=employee, leader=leader).update(place=PLACE)


@pytest.fixture
def pitfalls(people, version, signed):
    _every_pitfall(version, signed, people.employee, people.leader)
    _every_pitfall(version, signed, people.other_employee, people.other_leader)
    cache.clear()


def _listed(body: str) -> int:
    return len(re.findall(r"<tr>\s*<td", body))


def _heading_count(body: str) -> int:
    heading = r'<h1 class="ds-heading" data-size="lg" id="pitfall-heading">(\d+) '
    found = re.search(heading, body)
    assert found is not None
    return int(found.group(1))


def test_every_nudge_on_follow_up_links_to_the_list_of_what_it_counts(client_for, pitfalls):
    client = client_for("leader")
    body = client.get(reverse("follow_up")).content.decode()
    section = re.search(r'<section class="card nudges".*?</section>', body, re.S).group(0)
    links = dict(
        re.findall(
            r'<a [^>]*href="([^"]+)"><span class="ds-tag" data-color="warning">(\d+)</span>',
            section,
        )
    )
    assert set(links) == {
        reverse("follow_up_pitfall", args=[slug]) for slug in nudges.SLUGS.values()
    }
    for url, count in links.items():
        listed = client.get(url).content.decode()
        assert _listed(listed) == _heading_count(listed) == int(count), url


def test_a_leaders_list_has_exactly_the_actions_their_nudge_counts(client_for, people, pitfalls):
    body = client_for("leader").get(reverse("follow_up_pitfall", args=["forfalt"])).content.decode()
    assert "Overdue action of Emma" in body
    assert "Stale action of Emma" not in body  # counted by another pitfall
    assert "Espen" not in body  # the other leader's
    other = client_for("other_leader").get(reverse("follow_up_pitfall", args=["forfalt"]))
    assert "Overdue action of Espen" in other.content.decode()
    assert "Emma" not in other.content.decode()


def test_a_leaders_conversation_list_links_to_the_conversations_they_hold(
    client_for, people, pitfalls
):
    body = client_for("leader").get(reverse("follow_up_pitfall", args=["utsatt"])).content.decode()
    postponed = Conversation.objects.get(leader=people.leader, status="postponed")
    assert reverse("conversation_detail", args=[postponed.pk]) in body
    assert _listed(body) == 1


def test_hr_home_links_each_count_to_its_list(client_for, pitfalls):
    client = client_for("hr")
    body = client.get(reverse("home")).content.decode()
    links = dict(
        re.findall(r'<a class="ds-link" href="([^"]+)"><span class="stat">(\d+)</span>', body)
    )
    # Beside the pitfalls, the organization's card of who is missing a conversation.
    count = missing(people=Person.objects.all(), today=timezone.localdate()).count()
    assert links.pop(reverse("round_coverage")) == str(count)
    assert set(links) == {reverse("pitfall_list", args=[slug]) for slug in nudges.SLUGS.values()}
    for url, count in links.items():
        listed = client.get(url).content.decode()
        assert _listed(listed) == _heading_count(listed) == int(count) == 2, url


def test_hr_home_does_not_link_a_count_of_nothing(client_for, people):
    body = client_for("hr").get(reverse("home")).content.decode()
    assert '<span class="stat">0</span>' in body
    assert reverse("pitfall_list", args=["forfalt"]) not in body


@pytest.mark.parametrize("kind", list(nudges.SLUGS))
def test_each_list_is_what_the_count_counts(client_for, people, pitfalls, kind):
    on = selectors.today()
    hr_counts = nudges.pitfall_counts(
        conversations=conversations_policy.conversations_countable_by(people.hr),
        actions=policy.actions_countable_by(people.hr),
        on=on,
    )
    leader_counts = {
        n.kind: n.count
        for n in nudges.leader_nudges(
            leader=people.leader,
            conversations=conversations_policy.conversations_visible_to(people.leader),
            actions=selectors.agreed(policy.actions_led_by(people.leader)),
            on=on,
        )
    }
    slug = nudges.SLUGS[kind]
    hr = client_for("hr").get(reverse("pitfall_list", args=[slug])).content.decode()
    mine = client_for("leader").get(reverse("follow_up_pitfall", args=[slug])).content.decode()
    assert _listed(hr) == hr_counts[kind] == 2
    assert _listed(mine) == leader_counts[kind] == 1


@pytest.mark.parametrize("slug", list(nudges.SLUGS.values()))
def test_hr_sees_who_and_when_never_what_was_written(client_for, people, pitfalls, slug):
    body = client_for("hr").get(reverse("pitfall_list", args=[slug])).content.decode()
    assert "Emma Testesen" in body and "Espen Testesen" in body
    assert "Leif Testesen" in body and "Olga Testesen" in body
    for content in ("action of", " for Emma", "Bli trygg i fagsystemet", PLACE):
        assert content not in body, content
    # Nor a way in: no link to a conversation or an action.
    assert not re.search(r'href="/(samtaler|tiltak)/\d+/', body)


def test_nobody_else_reaches_the_lists(client_for, pitfalls):
    for role in ("employee", "leader", "leaders_leader", "admin"):
        response = client_for(role).get(reverse("pitfall_list", args=["forfalt"]))
        assert response.status_code == 403, role
    for role in ("employee", "hr", "admin"):
        response = client_for(role).get(reverse("follow_up_pitfall", args=["forfalt"]))
        assert response.status_code == 403, role
    assert client_for("hr").get(reverse("pitfall_list", args=["ukjent"])).status_code == 404
    assert client_for("leader").get("/oppfolging/fallgruver/ukjent/").status_code == 404


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_a_list_costs_the_same_queries_for_more_people(client_for, people, version, signed):
    _every_pitfall(version, signed, people.employee, people.leader)
    hr, leader = client_for("hr"), client_for("leader")
    urls = [
        (client, reverse(name, args=[slug]))
        for client, name in ((hr, "pitfall_list"), (leader, "follow_up_pitfall"))
        for slug in ("utsatt", "forfalt")
    ]
    few = [_queries(client, url) for client, url in urls]
    for n in range(6):
        person = Person.objects.create_user(
            f"p{n}@test.example", None, first_name=f"P{n}", last_name="X", manager=people.leader
        )
        _every_pitfall(version, signed, person, people.leader)
    many = [_queries(client, url) for client, url in urls]
    assert many == few
