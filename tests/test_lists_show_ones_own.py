"""The pages that point at no object (lists, overviews, reports, exports) show each role only
their own rows: what the buyer's who-sees-what reads as "ser" in its table B
(docs/procurement/dpia.md, section 4) is that the page opens, not that others' content shows.

The world of tests/content_paths/ holds six conversations, every text in them a distinct
marker: four of the employee with their leader, one of the other employee with the other
leader, and one of the leader with their own leader. Each role walks every URL that takes no
id, as GET (plain, htmx, and the query strings the pages read). A conversation's marker may
reach them only if they are a party to it (and then not the other party's private note), or
by a sharing the rules make: the text the conclusion shares outside the two, to HR; a need
shared with the register, to HR and to the leader who held the conversation and those above
them in the line. The control: each role that is a party to a conversation finds some of it.
"""

import pytest
from django.urls import get_resolver, reverse

from samtale.conversations.models import Conversation
from testkit.people import ROLES as TEST_ROLES
from testkit.people import make_archivist, make_union_rep
from tests.content_paths.walk import KWARG, _patterns, every_request, walk
from tests.content_paths.world import build_world

# What the conclusion shares outside the two (HR's list of shared conclusions), and the
# register's copy of a need shared with it.
SHARED_OUTSIDE = "conversations.SummaryRevision.shared_outside"
REGISTER = "needs.Need.text"

# Every role signed in: the demo's (tests' fixed people), the archive staff and the union
# representative.
ROLES = [role for role in TEST_ROLES if role != "anonymous"] + ["archivist", "union_rep"]
PARTIES = {"employee", "other_employee", "leader", "other_leader", "leaders_leader"}


def _pages_without_an_object() -> list[tuple[str, str]]:
    return [
        (name, reverse(name))
        for name, route in _patterns(get_resolver().url_patterns)
        if name and not KWARG.findall(route)
    ]


def _line_up(person) -> set[int]:
    """The person and every leader above them."""
    line = set()
    while person is not None and person.pk not in line:
        line.add(person.pk)
        person = person.manager
    return line


def _may_read(person, role: str, record, conversation: Conversation) -> bool:
    if person.pk in (conversation.employee_id, conversation.leader_id):
        return not record.private or record.by == role
    if SHARED_OUTSIDE in record.fields and person.is_hr:
        return True
    return REGISTER in record.fields and (
        person.is_hr or person.pk in _line_up(conversation.leader)
    )


@pytest.mark.walk
@pytest.mark.parametrize("role", ROLES)
def test_a_page_without_an_object_shows_a_role_only_their_own_rows(
    people, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world(people)
    made = {"archivist": make_archivist, "union_rep": make_union_rep}
    person = made[role](people) if role in made else people.by_role(role)
    conversations = {
        letter: Conversation.objects.select_related("leader").get(pk=pk)
        for letter, pk in world.conversations.items()
    }
    urls = _pages_without_an_object()
    result = walk(person, every_request(urls, fill=world.fill, posts=False))
    assert result.signed_out == [], f"the walk lost the session of {role}"
    assert result.statuses[("GET", reverse("home"))] == 200

    seen, others = set(), set()
    for method, url, marker in result.leaks:
        record = world.markers.records[marker.removeprefix("MARKER-")]
        if not record.conversation:
            continue  # a round's own text (a window's place): not a conversation's
        seen.add(record.label)
        if not _may_read(person, role, record, conversations[record.conversation]):
            others.add((method, url, record.label))
    assert sorted(others) == [], f"{role} reads others' content on a list page"
    if role in PARTIES or role == "hr":
        assert seen, f"the walk found nothing of {role}'s own: it would prove nothing"
