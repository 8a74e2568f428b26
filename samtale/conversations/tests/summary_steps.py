"""The summary's steps, as the parties take them, for the comment and correction tests."""

from samtale.actions import agreement
from samtale.actions.models import Action
from samtale.conversations.models import Conversation
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
