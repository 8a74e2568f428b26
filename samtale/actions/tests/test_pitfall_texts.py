"""A pitfall's text agrees with its count: "1 action past its deadline", "2 actions past
their deadline", on Oppfølging and on HR's home page.

The bokmål tests need the translations of the new singular and plural texts.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from samtale.actions import nudges, policy, selectors
from samtale.actions.tests.conftest import days
from samtale.conversations import policy as conversations_policy
from samtale.conversations.models import Conversation
from samtale.org.models import Person


def _texts(people):
    with translation.override("en"):
        return {
            n.kind: n.text
            for n in nudges.leader_nudges(
                leader=people.leader,
                conversations=conversations_policy.conversations_visible_to(people.leader),
                actions=selectors.agreed(policy.actions_led_by(people.leader)),
                on=selectors.today(),
            )
        }


def _postponed(people, version, n=1):
    for _ in range(n):
        Conversation.objects.create(
            employee=people.employee,
            leader=people.leader,
            guide_version=version,
            status="postponed",
            postponed_count=2,
        )


def test_one_of_a_pitfall_is_named_in_the_singular(people, version, signed):
    _postponed(people, version)
    signed(people.employee, people.leader, [(days(-1), "employee", "in_progress")])
    assert _texts(people) == {
        "postponed": "Conversation postponed more than once. Give it a time and keep it.",
        "overdue": "Action past its deadline.",
    }


def test_more_of_a_pitfall_are_named_in_the_plural(people, version, signed):
    _postponed(people, version, 2)
    signed(people.employee, people.leader, [(days(-1), "employee", "in_progress")] * 3)
    assert _texts(people) == {
        "postponed": "Conversations postponed more than once. Give them a time and keep it.",
        "overdue": "Actions past their deadline.",
    }


def test_hr_home_names_each_count_in_its_number(client_for, people, version):
    _postponed(people, version)
    Person.objects.filter(pk=people.hr.pk).update(language="en")
    body = client_for("hr").get(reverse("home")).content.decode()
    assert re.search(
        r'<span class="stat">1</span> Open conversation postponed more than once<', body
    )
    assert re.search(r'<span class="stat">0</span> Actions past their deadline<', body)


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_the_singular_is_translated(client_for, people, version, language):
    """Needs the lead's translations: "1 Samtaler utsatt" was the bug."""
    cache.clear()
    _postponed(people, version)
    Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        status="invited",
        scheduled_at=timezone.now() + timedelta(hours=20),
    )
    Person.objects.filter(pk__in=[people.hr.pk, people.leader.pk]).update(language=language)
    sections = (
        ("leader", reverse("follow_up"), r'<section class="card nudges".*?</section>'),
        ("hr", reverse("home"), r'<section aria-labelledby="pitfalls-heading">.*?</section>'),
    )
    for role, url, section in sections:
        body = client_for(role).get(url).content.decode()
        text = re.search(section, body, re.S).group(0)
        assert "onversation" not in text and "Samtaler utsatt" not in text, role
