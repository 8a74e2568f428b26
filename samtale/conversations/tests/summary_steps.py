"""The summary's steps, as the parties take them, for the comment and correction tests."""

from django.urls import reverse

from samtale.actions import agreement
from samtale.actions.models import Action
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.conversations.services import correction as correction_drafts
from samtale.conversations.services import lifecycle, summary
from samtale.signing import services as signing


def fresh(conversation) -> Conversation:
    return Conversation.objects.select_related("employee", "leader").get(pk=conversation.pk)


def held(conversation, people) -> Conversation:
    lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    return fresh(conversation)


def submitted(conversation, people, *, text="Vi snakket om kurs.") -> Conversation:
    """Held (now, unless it is); the employee writes, concludes with the goals (if any)
    and sends."""
    c = fresh(conversation)
    if c.status != Conversation.Status.HELD:
        c = held(c, people)
    current = summary.summary_current(c)
    assert current is not None
    summary.summary_save(
        actor=people.employee, conversation=c, text=text, base_version=current.version
    )
    conclusion = "actions" if c.goals.exists() else "no_actions"
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion=conclusion, shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    return fresh(c)


def comment(conversation, people, text: str) -> None:
    """The leader writes (autosaves) a comment on the revision sent to them."""
    current = summary.summary_current(fresh(conversation))
    assert current is not None
    summary.summary_comment_save(
        actor=people.leader,
        conversation=fresh(conversation),
        text=text,
        base_version=current.comment_version,
    )


def approve_and_sign(conversation, people) -> Conversation:
    summary.summary_approve(actor=people.leader, conversation=fresh(conversation))
    signing.conversation_sign(actor=people.employee, conversation=fresh(conversation))
    signing.conversation_sign(actor=people.leader, conversation=fresh(conversation))
    return fresh(conversation)


def with_goal(conversation, people, *, goal="Bli trygg i fagsystemet", action="Kurs i januar"):
    agreement.goal_add(
        actor=people.leader,
        conversation=conversation,
        text=goal,
        action_text=action,
        responsible="employee",
    )
    return Action.objects.get(goal__conversation=conversation, text=action)


def signed(conversation, people, *, goal: bool = True) -> Conversation:
    """Held with a goal and its action (if `goal`), summarized, approved and signed."""
    c = held(conversation, people)
    if goal:
        with_goal(c, people)
    c = submitted(c, people)
    return approve_and_sign(c, people)


def correction(conversation, people, *, reason="Tidsfristen ble feil", by=None):
    return summary.summary_revise(
        actor=by or people.leader, conversation=fresh(conversation), reason=reason
    )


def resubmit(conversation, people) -> Conversation:
    summary.summary_submit(actor=people.employee, conversation=fresh(conversation))
    return fresh(conversation)


def correction_form(revision: SummaryRevision, **changes) -> dict:
    """The correction's goals form as the page fills it in, with `changes` on top."""
    data = {"base": correction_drafts.draft_version(revision.agreed_goals)}
    for i, goal in enumerate(revision.agreed_goals):
        data[f"g{i}-text"] = goal["goal"]
        if goal.get("removed"):
            data[f"g{i}-remove"] = "on"
        for j, action in enumerate(goal["actions"]):
            prefix = f"g{i}-a{j}"
            data[f"{prefix}-text"] = action["text"]
            deadline = action["deadline"]
            data[f"{prefix}-deadline"] = (
                "" if not deadline else "{2}.{1}.{0}".format(*deadline.split("-"))
            )
            data[f"{prefix}-responsible"] = action["responsible"]
            if action.get("removed"):
                data[f"{prefix}-remove"] = "on"
        data[f"g{i}-new-responsible"] = "employee"
    data["new-a-responsible"] = "employee"
    return data | changes


def correction_goals_post(client_for, c, **changes):
    revision = summary.summary_current(fresh(c))
    return client_for("employee").post(
        reverse("correction_goals", args=[c.pk]), correction_form(revision, **changes)
    )


def correction_agreed_and_signed(c, people) -> Conversation:
    """The drafter sends the correction; the reviewer approves; both sign."""
    c = resubmit(c, people)
    return approve_and_sign(c, people)
