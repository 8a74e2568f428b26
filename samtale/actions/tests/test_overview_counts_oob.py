"""An action updated inline on the leader's overview (htmx) answers with the person's new
counts and the nudges out of band (hx-swap-oob) in the same response: the counts on the page
never wait for a reload."""

import re

import pytest
from django.urls import reverse

from samtale.actions.models import Action
from samtale.actions.tests.conftest import days

HTMX = {"HX-Request": "true"}


@pytest.fixture
def actions(people, signed):
    """The employee's two actions with the leader: one overdue, one not started."""
    signed(
        people.employee,
        people.leader,
        [(days(-2), "employee", "in_progress"), (days(5), "employee", "not_started")],
    )
    return Action.objects.order_by("deadline")


def counts_of(body: str, person) -> tuple[str, dict[str, str]]:
    """The counts element sent for `person`: its opening tag and {label: number}."""
    found = re.search(
        rf'(<dl class="counts" id="report-{person.pk}-counts"[^>]*>)(.*?)</dl>', body, re.S
    )
    assert found, body
    return found.group(1), dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", found.group(2)))


def test_the_overviews_fragment_asks_updates_for_the_counts_with_its_filters(
    client_for, people, actions
):
    url = reverse("follow_up_person", args=[people.employee.pk]) + "?status=open"
    body = client_for("leader").get(url, headers=HTMX).content.decode()
    overdue = actions[0]
    assert (
        f'hx-post="{reverse("action_update", args=[overdue.pk])}?status=open&amp;counts=1"' in body
    )


def test_an_inline_update_answers_with_the_new_counts_out_of_band(client_for, people, actions):
    client = client_for("leader")
    page = client.get(reverse("follow_up")).content.decode()
    tag, before = counts_of(page, people.employee)
    assert "hx-swap-oob" not in tag
    assert (before["Forsinket"], before["Pågår"], before["Ikke startet"]) == ("1", "0", "1")
    assert "Tiltak som har passert fristen" in page  # the nudge

    overdue = actions[0]
    response = client.post(
        reverse("action_update", args=[overdue.pk]) + "?status=open&counts=1",
        {"status": "done", "comment": ""},
        headers=HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="action-{overdue.pk}"' in body  # the card itself, swapped in place
    tag, after = counts_of(body, people.employee)
    assert 'hx-swap-oob="true"' in tag
    assert (after["Forsinket"], after["Pågår"], after["Ikke startet"]) == ("0", "0", "1")
    # The nudges are counted again: no action past its deadline any more.
    nudges = re.search(r'<div id="nudges" hx-swap-oob="true">(.*?)</div>\s*$', body, re.S)
    assert nudges and "har passert fristen" not in nudges.group(1)
    # The card's form keeps asking for the counts on its next update.
    assert "?status=open&amp;counts=1" in body
    # And a reload says the same (the kept nudges were replaced, not left for ten minutes).
    assert "har passert fristen" not in client.get(reverse("follow_up")).content.decode()


def test_the_counts_sent_keep_the_overviews_filters(client_for, people, actions):
    response = client_for("leader").post(
        reverse("action_update", args=[actions[1].pk]) + "?status=not_started&counts=1",
        {"status": "in_progress", "comment": ""},
        headers=HTMX,
    )
    _tag, counts = counts_of(response.content.decode(), people.employee)
    assert (counts["Forsinket"], counts["Pågår"], counts["Ikke startet"]) == ("0", "0", "0")


@pytest.mark.parametrize(
    ("role", "query"),
    [("leader", ""), ("employee", "?counts=1")],
    ids=["not from the overview", "not the leader"],
)
def test_an_update_elsewhere_sends_no_counts(client_for, actions, role, query):
    response = client_for(role).post(
        reverse("action_update", args=[actions[1].pk]) + query,
        {"status": "in_progress", "comment": ""},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "hx-swap-oob" not in response.content.decode()
    assert Action.objects.get(pk=actions[1].pk).status == "in_progress"
