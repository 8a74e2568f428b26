"""One access answer per page: access_to gives what the reader may see and do with a
conversation, for each role of the access matrix, in the states that change the answer; the
policy's single-question functions give the same answers; and the summary page and the API
ask it once a request."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from samtale.conversations import policy
from samtale.conversations.models import (
    Conversation,
    Preparation,
    SummaryComment,
    SummaryRevision,
)
from samtale.org.models import Person
from testkit.people import ROLES, People

S = Conversation.Status
ANSWERS = (
    "may_draft_summary",
    "may_review_summary",
    "may_see_summary",
    "may_withdraw_correction",
    "may_give_feedback",
    "may_propose_time",
    "may_manage",
    "may_see_likert_answers",
)
NOTHING = (False,) * len(ANSWERS)
# Per state, the parties' answers in the order of ANSWERS; everyone else: NOTHING.
EXPECTED = {
    # Invited, with a time: the employee will write the summary, none exists yet.
    "invited": {
        "employee": (True, False, False, True, False, True, False, True),
        "leader": (False, True, False, True, False, True, True, False),
    },
    # Held, the employee's draft not yet sent: theirs alone.
    "drafting": {
        "employee": (True, False, True, True, False, False, False, True),
        "leader": (False, True, False, True, False, False, True, False),
    },
    # Held, the leader drafts and has sent it; the employee shared their answers.
    "leader_drafts": {
        "employee": (False, True, True, True, False, False, False, True),
        "leader": (True, False, True, True, False, False, True, True),
    },
    # Signed by both: the employee may say how it was.
    "signed": {
        "employee": (True, False, True, True, True, False, False, True),
        "leader": (False, True, True, True, False, False, True, False),
    },
}


def _conversation(
    people: People, guide_version, state: str
) -> tuple[Conversation, SummaryRevision | None]:
    now = timezone.now()
    fields: dict = {"status": S.INVITED, "scheduled_at": now + timedelta(days=3)}
    if state != "invited":
        fields = {"status": S.HELD, "scheduled_at": now - timedelta(hours=2), "held_at": now}
    if state == "signed":
        fields["status"] = S.SIGNED
    if state == "leader_drafts":
        fields["summary_author"] = Conversation.SummaryAuthor.LEADER
    conversation = Conversation.objects.create(
        employee=people.employee, leader=people.leader, guide_version=guide_version, **fields
    )
    if state == "leader_drafts":
        Preparation.objects.create(conversation=conversation, author=people.employee, shared_at=now)
    if state == "invited":
        return conversation, None
    submitted = None if state == "drafting" else now
    summary = SummaryRevision.objects.create(
        conversation=conversation, text="Oppsummert.", submitted_at=submitted
    )
    SummaryComment.objects.create(revision=summary, author=people.leader, text="Bra")
    return conversation, summary


def _reader(people: People, role: str) -> Person | AnonymousUser:
    return people.by_role(role) or AnonymousUser()


@pytest.mark.parametrize("state", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_the_answer_is_the_roles_and_agrees_with_every_rule(people, guide_version, role, state):
    conversation, summary = _conversation(people, guide_version, state)
    user = _reader(people, role)
    reader = policy.access_to(user, conversation, summary)

    assert reader.party == (role if role in ("employee", "leader") else None)
    answers = tuple(getattr(reader, name) for name in ANSWERS)
    assert answers == EXPECTED[state].get(role, NOTHING)
    # The single questions give what the one answer gives.
    assert answers == (
        policy.may_draft_summary(user, conversation),
        policy.may_review_summary(user, conversation),
        summary is not None and policy.may_see_summary(user, conversation, summary),
        policy.may_withdraw_correction(user, conversation),
        policy.may_give_feedback(user, conversation),
        policy.may_propose_time(user, conversation),
        policy.may_manage_conversation(user, conversation),
        policy.may_see_likert_answers(user, conversation),
    )
    for rows, visible_to in (
        (reader.notes, policy.notes_visible_to),
        (reader.summary_comments, policy.summary_comments_visible_to),
        (reader.invitation_answers, policy.invitation_answers_visible_to),
        (reader.time_proposals, policy.time_proposals_visible_to),
    ):
        assert list(rows) == list(visible_to(user, conversation))
    assert reader.summary_comments.exists() == (reader.party is not None and summary is not None)


@pytest.fixture
def counted(monkeypatch) -> list[Conversation]:
    """Every call of policy.access_to, by whatever page, endpoint or rule asks it."""
    asked: list[Conversation] = []
    access_to = policy.access_to

    def counting(user, conversation, summary=None) -> policy.ConversationAccess:
        asked.append(conversation)
        return access_to(user, conversation, summary)

    monkeypatch.setattr(policy, "access_to", counting)
    return asked


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_the_summary_page_asks_the_policy_once(people, guide_version, client_for, counted, role):
    conversation, _ = _conversation(people, guide_version, "leader_drafts")
    client = client_for(role)
    response = client.get(reverse("summary", kwargs={"pk": conversation.pk}))
    assert response.status_code == 200
    assert response.context["summary"] is not None
    assert response.context["drafter"] == (role == "leader")
    assert counted == [conversation]


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_the_api_asks_the_policy_once(people, guide_version, client_for, counted, role):
    conversation, _ = _conversation(people, guide_version, "drafting")
    response = client_for(role).get(reverse("api:conversation", kwargs={"pk": conversation.pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["party"] == role
    # The employee's draft is theirs alone until sent.
    assert (body["summary"] is not None) == (role == "employee")
    assert counted == [conversation]


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_the_conversation_page_asks_the_policy_once(
    people, guide_version, client_for, counted, role
):
    """The page, its record of the summary (sections.revisions_context) and the other times
    asked for (other_times) all read the one answer."""
    conversation, _ = _conversation(people, guide_version, "leader_drafts")
    response = client_for(role).get(reverse("conversation_detail", kwargs={"pk": conversation.pk}))
    assert response.status_code == 200
    assert response.context["party"] == role
    assert counted == [conversation]
