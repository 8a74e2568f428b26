"""The next step of a conversation, for each of its parties (next_steps.conversation_next_step):
one table over every status, and the pages, the home page and the e-mails that read it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samtale.conversations import next_steps
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.conversations.next_steps import conversation_next_step
from samtale.conversations.services import summary

from . import summary_steps as steps

S = Conversation.Status
NOW = timezone.now()
LATER = NOW + timedelta(days=10)


def _revision(number=1, *, submitted=False, approved=False, signed=()):
    return SummaryRevision(
        number=number,
        submitted_at=NOW if submitted else None,
        approved_at=NOW if approved else None,
        employee_signed_at=NOW if "employee" in signed else None,
        leader_signed_at=NOW if "leader" in signed else None,
    )


# (case, conversation fields, current revision,
#  employee's (step, who, mine, page), leader's (step, who, mine, page))
# A page is the url name and anchor the one whose turn it is acts on.
PAGE_SCHEDULE, PAGE_PREPARE, PAGE_MEET = "conversation_schedule", "preparation", "meeting"
PAGE_SUMMARY, PAGE_SIGN = "summary", "summary#sign-heading"
TABLE = [
    (
        "planned without a time",
        {"status": S.PLANNED, "scheduled_at": None},
        None,
        ("plan", "leader", False, PAGE_SCHEDULE),
        ("plan", "leader", True, PAGE_SCHEDULE),
    ),
    (
        "planned",
        {"status": S.PLANNED, "scheduled_at": LATER},
        None,
        ("prepare", "both", True, PAGE_PREPARE),
        ("prepare", "both", True, PAGE_PREPARE),
    ),
    (
        "invited",
        {"status": S.INVITED, "scheduled_at": LATER},
        None,
        ("prepare", "both", True, PAGE_PREPARE),
        ("prepare", "both", True, PAGE_PREPARE),
    ),
    (
        "prepared, on its day",
        {"status": S.PREPARED, "scheduled_at": NOW},
        None,
        ("meet", "both", True, PAGE_MEET),
        ("meet", "both", True, PAGE_MEET),
    ),
    (
        "invited, held now before its day",
        {"status": S.INVITED, "scheduled_at": LATER, "started_early_at": NOW},
        None,
        ("meet", "both", True, PAGE_MEET),
        ("meet", "both", True, PAGE_MEET),
    ),
    (
        "postponed",
        {"status": S.POSTPONED, "scheduled_at": None},
        None,
        ("find_time", "leader", False, PAGE_SCHEDULE),
        ("find_time", "leader", True, PAGE_SCHEDULE),
    ),
    (
        "held, the employee writes",
        {"status": S.HELD, "held_at": NOW},
        _revision(),
        ("write_summary", "employee", True, PAGE_SUMMARY),
        ("write_summary", "employee", False, PAGE_SUMMARY),
    ),
    (
        "held, the leader writes",
        {"status": S.HELD, "held_at": NOW, "summary_author": "leader"},
        _revision(),
        ("write_summary", "leader", False, PAGE_SUMMARY),
        ("write_summary", "leader", True, PAGE_SUMMARY),
    ),
    (
        "held, the summary sent",
        {"status": S.HELD, "held_at": NOW},
        _revision(submitted=True),
        ("review_summary", "leader", False, PAGE_SUMMARY),
        ("review_summary", "leader", True, PAGE_SUMMARY),
    ),
    (
        "held by the leader's hand, sent",
        {"status": S.HELD, "held_at": NOW, "summary_author": "leader"},
        _revision(submitted=True),
        ("review_summary", "employee", True, PAGE_SUMMARY),
        ("review_summary", "employee", False, PAGE_SUMMARY),
    ),
    (
        "summary agreed",
        {"status": S.SUMMARY_AGREED, "held_at": NOW},
        _revision(submitted=True, approved=True),
        ("sign", "both", True, PAGE_SIGN),
        ("sign", "both", True, PAGE_SIGN),
    ),
    (
        "summary agreed, the employee signed",
        {"status": S.SUMMARY_AGREED, "held_at": NOW},
        _revision(submitted=True, approved=True, signed=("employee",)),
        ("sign", "leader", False, PAGE_SIGN),
        ("sign", "leader", True, PAGE_SIGN),
    ),
    (
        "summary agreed, the leader signed",
        {"status": S.SUMMARY_AGREED, "held_at": NOW},
        _revision(submitted=True, approved=True, signed=("leader",)),
        ("sign", "employee", True, PAGE_SIGN),
        ("sign", "employee", False, PAGE_SIGN),
    ),
    (
        "signed with goals",
        {"status": S.SIGNED, "held_at": NOW, "has_goals": True},
        _revision(submitted=True, approved=True, signed=("employee", "leader")),
        ("follow_up", "both", True, "my_actions"),
        ("follow_up", "both", True, "follow_up"),
    ),
    (
        "signed, no special actions",
        {"status": S.SIGNED, "held_at": NOW, "has_goals": False},
        _revision(submitted=True, approved=True, signed=("employee", "leader")),
        ("done", "", False, "conversation_detail"),
        ("done", "", False, "conversation_detail"),
    ),
    (
        "signed, a correction being written",
        {"status": S.SIGNED, "held_at": NOW, "has_goals": True},
        _revision(2),
        ("write_summary", "employee", True, PAGE_SUMMARY),
        ("write_summary", "employee", False, PAGE_SUMMARY),
    ),
    (
        "signed, a correction sent",
        {"status": S.SIGNED, "held_at": NOW, "has_goals": True},
        _revision(2, submitted=True),
        ("review_summary", "leader", False, PAGE_SUMMARY),
        ("review_summary", "leader", True, PAGE_SUMMARY),
    ),
    (
        "signed, a correction the leader signed",
        {"status": S.SIGNED, "held_at": NOW, "has_goals": True},
        _revision(2, submitted=True, approved=True, signed=("leader",)),
        ("sign", "employee", True, PAGE_SIGN),
        ("sign", "employee", False, PAGE_SIGN),
    ),
    (
        "cancelled",
        {"status": S.CANCELLED, "scheduled_at": LATER},
        None,
        ("cancelled", "", False, "conversation_detail"),
        ("cancelled", "", False, "conversation_detail"),
    ),
]


def _url(name: str, conversation) -> str:
    name, _hash, anchor = name.partition("#")
    path = (
        reverse(name)
        if name in ("my_actions", "follow_up")
        else reverse(name, args=[conversation.pk])
    )
    return f"{path}#{anchor}" if anchor else path


@pytest.mark.parametrize(
    ("fields", "revision", "as_employee", "as_leader"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_the_next_step_for_each_party(
    people, django_assert_num_queries, fields, revision, as_employee, as_leader
):
    conversation = Conversation(pk=7, employee=people.employee, leader=people.leader, **fields)
    for person, (step, who, mine, page) in (
        (people.employee, as_employee),
        (people.leader, as_leader),
    ):
        # From the conversation's fields and the revision at hand alone: no query.
        with django_assert_num_queries(0):
            next_step = conversation_next_step(conversation, person, summary=revision)
        assert (next_step.step, next_step.who, next_step.mine) == (step, who, mine)
        assert next_step.url == _url(page, conversation)
        assert next_step.other == (people.leader if person == people.employee else people.employee)
        assert next_step.correction == (revision is not None and revision.number > 1)


def test_someone_outside_the_conversation_has_no_turn(people):
    conversation = Conversation(
        pk=7, employee=people.employee, leader=people.leader, status=S.INVITED, scheduled_at=LATER
    )
    assert not conversation_next_step(conversation, people.hr, summary=None).mine


def test_every_step_of_the_table_is_a_step_the_pages_name():
    named = {
        next_steps.PLAN,
        next_steps.FIND_TIME,
        next_steps.PREPARE,
        next_steps.MEET,
        next_steps.WRITE_SUMMARY,
        next_steps.REVIEW_SUMMARY,
        next_steps.SIGN,
        next_steps.FOLLOW_UP,
        next_steps.DONE,
        next_steps.CANCELLED,
    }
    assert {row[3][0] for row in TABLE} | {row[4][0] for row in TABLE} == named


def test_without_the_revision_at_hand_it_reads_it_once(
    people, conversation, django_assert_num_queries
):
    held = steps.held(conversation, people)
    with django_assert_num_queries(1):
        step = conversation_next_step(held, people.employee)
    assert (step.step, step.mine) == ("write_summary", True)


def test_a_withdrawn_correction_leaves_the_follow_up(people, conversation):
    signed = steps.signed(conversation, people)
    steps.correction(signed, people, by=people.employee)
    summary.correction_withdraw(
        actor=people.employee, conversation=steps.fresh(signed), reason="Ikke nødvendig"
    )
    assert conversation_next_step(steps.fresh(signed), people.leader).step == "follow_up"


# The pages


PAGES = ("conversation_detail", "preparation", "meeting", "summary")


@pytest.fixture
def english(people):
    """Both parties read English (the msgids), whatever the translations say."""
    for person in (people.employee, people.leader):
        person.language = "en"
        person.save(update_fields=["language"])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["employee", "leader"])
def test_every_conversation_page_starts_with_the_next_step(
    client_for, people, english, conversation, page, role
):
    held = steps.held(conversation, people)
    body = client_for(role).get(reverse(page, args=[held.pk])).content.decode()
    assert body.count('id="neste-steg"') == 1
    # Before the page's own content: right under its title.
    assert body.index('id="neste-steg"') < body.index('aria-label="Phases of the conversation"')
    if role == "employee":
        assert "you write the summary." in body
        # The button where it is theirs to act, unless they are on that page already.
        line = body.split('id="neste-steg"')[1].split("</div>")[0]
        assert (f'href="{reverse("summary", args=[held.pk])}"' in line) == (page != "summary")
    else:
        assert "Emma Testesen writes the summary." in body


def test_the_home_page_card_says_the_next_step_and_links_where_to_act(
    client_for, people, english, conversation
):
    held = steps.held(conversation, people)
    body = client_for("employee").get(reverse("home")).content.decode()
    assert "you write the summary." in body
    assert f'href="{reverse("summary", args=[held.pk])}"' in body
    # The leader waits: nothing of this conversation waits for them on their home page (the
    # list of their employees, further down, links each one's conversation by its status).
    leader_home = client_for("leader").get(reverse("home")).content.decode()
    waiting = leader_home.split('id="reports-heading"')[0]
    assert f'href="{reverse("conversation_detail", args=[held.pk])}"' not in waiting


def test_on_the_signing_step_the_home_page_links_the_signatures(client_for, people, conversation):
    held = steps.submitted(conversation, people)
    summary.summary_approve(actor=people.leader, conversation=held)
    body = client_for("employee").get(reverse("home")).content.decode()
    assert f'href="{reverse("summary", args=[held.pk])}#sign-heading"' in body
