import re
from datetime import timedelta

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from samtale.actions import nudges, policy, selectors
from samtale.actions.models import Action, Goal
from samtale.actions.tests.conftest import days
from samtale.conversations import policy as conversations_policy
from samtale.conversations.models import Conversation, Note, Preparation
from samtale.org.models import Person


def _nudges(people):
    return {
        n.kind: n.count
        for n in nudges.leader_nudges(
            leader=people.leader,
            conversations=conversations_policy.conversations_visible_to(people.leader),
            actions=policy.actions_visible_to(people.leader),
            on=selectors.today(),
        )
    }


def test_a_clean_slate_has_no_nudges(people, signed):
    signed(people.employee, people.leader, [(days(10), "employee", "in_progress")])
    Conversation.objects.update(talk_leader_seconds=300, talk_employee_seconds=700)
    assert _nudges(people) == {}


def test_overdue_and_untouched_actions_are_nudged(people, signed):
    signed(
        people.employee,
        people.leader,
        [(days(-1), "employee", "in_progress"), (days(30), "leader", "not_started")],
    )
    Action.objects.filter(deadline=days(30)).update(updated_at=timezone.now() - timedelta(days=91))
    assert _nudges(people) == {"overdue": 1, "stale": 1}


def test_a_signed_conversation_without_goals_and_a_talkative_leader_are_nudged(people, signed):
    c = signed(people.employee, people.leader)
    c.goals.all().delete()
    Conversation.objects.filter(pk=c.pk).update(
        talk_leader_seconds=2000, talk_employee_seconds=2000
    )
    assert _nudges(people) == {"no_goals": 1, "talk": 1}


def test_postponed_twice_and_unprepared_for_tomorrow_are_nudged(people, version):
    tomorrow = timezone.now() + timedelta(hours=20)
    postponed = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        status="postponed",
        postponed_count=2,
    )
    upcoming = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        status="invited",
        scheduled_at=tomorrow,
    )
    assert _nudges(people) == {"postponed": 1, "unprepared": 1}
    preparation = Preparation.objects.create(conversation=upcoming, author=people.leader)
    Note.objects.create(preparation=preparation, theme_key="mal", text="Forberedt")
    assert _nudges(people) == {"postponed": 1}
    assert postponed.pk


def test_hr_counts_pitfalls_across_the_organization_as_numbers(people, signed):
    signed(people.other_employee, people.other_leader, [(days(-5), "employee", "not_started")])
    counts = nudges.pitfall_counts(
        conversations=conversations_policy.conversations_countable_by(people.hr),
        actions=policy.actions_countable_by(people.hr),
        on=selectors.today(),
    )
    assert counts["overdue"] == 1
    mine = nudges.pitfall_counts(
        conversations=conversations_policy.conversations_countable_by(people.employee),
        actions=policy.actions_countable_by(people.employee),
        on=selectors.today(),
    )
    assert mine["overdue"] == 0


def test_the_overview_shows_the_leaders_nudges_in_their_language(client_for, people, signed):
    """The section is kept rendered for the day, per leader and language."""
    cache.clear()
    signed(people.employee, people.leader, [(days(-1), "employee", "in_progress")])
    client = client_for("leader")
    body = client.get(reverse("follow_up")).content.decode()
    section = re.search(r'<section class="card nudges".*?</section>', body, re.S).group(0)
    assert "Fallgruver å passe på" in section
    assert re.search(
        r'<span class="ds-tag" data-color="warning">1</span> Tiltak som har passert fristen\.',
        section,
    )
    Person.objects.filter(pk=people.leader.pk).update(language="en")
    body = client.get(reverse("follow_up")).content.decode()
    assert "Pitfalls to watch" in body and "1</span> Action past its deadline." in body
    other = client_for("other_leader").get(reverse("follow_up")).content.decode()
    assert "card nudges" not in other  # none of theirs, and none of the first leader's


def test_a_conversation_knows_whether_it_has_goals(people, signed):
    """The flag HR's count of conversations without goals reads: set by the first goal,
    cleared with the last, whether a goal is written or deleted one by one, by a query or in
    bulk (database triggers)."""
    c = signed(people.employee, people.leader)
    assert Conversation.objects.get(pk=c.pk).has_goals
    second = Goal.objects.create(conversation=c, text="Ta kurs")
    second.delete()
    assert Conversation.objects.get(pk=c.pk).has_goals  # the first is still there
    c.goals.all().delete()
    assert not Conversation.objects.get(pk=c.pk).has_goals
    Goal.objects.create(conversation=c, text="Ta kurs")
    assert Conversation.objects.get(pk=c.pk).has_goals
    c.goals.all().delete()
    Goal.objects.bulk_create([Goal(conversation=c, text="Ta kurs")])
    assert Conversation.objects.get(pk=c.pk).has_goals
