"""The overview's cards are kept rendered for what they show (a fragment cache keyed by every
value on them): whatever changes on a card shows at once, never an earlier rendering."""

import re

from django.urls import reverse

from samtale.actions.models import Action
from samtale.actions.services import action_update
from samtale.actions.tests.conftest import days
from samtale.org.models import Person


def _counts(body: str) -> dict[str, str]:
    found = re.search(r'<li class="ds-card report.*?</li>', body, re.S)
    assert found is not None
    card = found.group(0)
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", card))


def test_a_change_shows_on_the_next_load_of_the_kept_cards(client_for, people, signed):
    signed(people.employee, people.leader, [(days(-2), "employee", "not_started")])
    client = client_for("leader")
    before = _counts(client.get(reverse("follow_up")).content.decode())
    # Overdue and nothing else (each action counted once: actions.selectors.OPEN_BUCKETS).
    assert (before["Forsinket"], before["Ikke startet"], before["Pågår"]) == ("1", "0", "0")
    action = Action.objects.get()
    action_update(
        actor=Person.objects.get(pk=people.employee.pk),
        action=action,
        status="in_progress",
        comment="Startet",
    )
    after = _counts(client.get(reverse("follow_up")).content.decode())
    assert (after["Forsinket"], after["Ikke startet"], after["Pågår"]) == ("1", "0", "0")
    action_update(
        actor=Person.objects.get(pk=people.employee.pk), action=action, status="done", comment=""
    )
    after = _counts(client.get(reverse("follow_up")).content.decode())
    assert (after["Forsinket"], after["Ikke startet"], after["Pågår"]) == ("0", "0", "0")
    Person.objects.filter(pk=people.employee.pk).update(first_name="Emilie")
    assert "Emilie Testesen" in client.get(reverse("follow_up")).content.decode()


def test_each_leader_and_each_language_gets_their_own_cards(client_for, people, signed):
    signed(people.employee, people.leader, [(days(3), "employee", "in_progress")])
    signed(people.other_employee, people.other_leader, [(days(3), "employee", "in_progress")])
    leader = client_for("leader").get(reverse("follow_up")).content.decode()
    other = client_for("other_leader").get(reverse("follow_up")).content.decode()
    assert "Emma" in leader and "Espen" not in leader
    assert "Espen" in other and "Emma" not in other
    Person.objects.filter(pk=people.leader.pk).update(language="en")
    english = client_for("leader").get(reverse("follow_up")).content.decode()
    assert "<dt>In progress</dt>" in english and "<dt>Pågår</dt>" not in english
