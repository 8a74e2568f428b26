"""What a reader may not see is answered as what does not exist (core.access: the policy's
`get_<thing>_for` fetches and authorizes in one call, 404 both ways): the same status and
the same page for another's conversation or person as for an id no row has, on the pages
and in the REST API, so the answer never tells that the object is there."""

import re

import pytest
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.org.models import Person
from testkit.people import goals_version

# What differs from one response to the next whatever it shows: the CSP nonce, the CSRF token,
# and the seconds left of the session (its longest life counts down: two requests a second
# apart differ, CI once).
VARYING = re.compile(
    rb'nonce="[^"]*"|nonce-[^\'"]*|"X-CSRFToken": "[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"'
    rb'|data-seconds-left="\d+"'
)


def _page(response) -> bytes:
    """The response's body without what varies, and with its own address (the sign-out
    form's `next`) left out."""
    return VARYING.sub(b"", response.content.replace(response.request["PATH_INFO"].encode(), b""))


def _same(first, second) -> bool:
    return _page(first) == _page(second)


@pytest.mark.parametrize(
    "role", ["other_employee", "other_leader", "leaders_leader", "hr", "admin"]
)
def test_a_conversation_one_is_no_party_to_is_answered_as_one_that_does_not_exist(
    people, client_for, role
):
    hidden = Conversation.objects.create(
        employee=people.employee, leader=people.leader, guide_version=goals_version()
    ).pk
    missing = hidden + 1000
    assert not Conversation.objects.filter(pk=missing).exists()
    client = client_for(role)
    for name in ("conversation_detail", "api:conversation"):
        there, gone = (client.get(reverse(name, kwargs={"pk": pk})) for pk in (hidden, missing))
        assert there.status_code == gone.status_code == 404, (name, role)
        assert _same(there, gone), (name, role)


def test_a_person_one_may_not_see_is_answered_as_one_that_does_not_exist(people, client_for):
    hidden = people.employee.pk  # not below the other leader in the line
    missing = Person.objects.order_by("-pk").first().pk + 1000
    client = client_for("other_leader")
    there, gone = (
        client.get(reverse("person_detail", kwargs={"pk": pk})) for pk in (hidden, missing)
    )
    assert there.status_code == gone.status_code == 404
    assert _same(there, gone)
    # The control: the employee's own leader sees the page.
    assert (
        client_for("leader").get(reverse("person_detail", kwargs={"pk": hidden})).status_code == 200
    )
