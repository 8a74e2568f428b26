"""{% next_step conversation as step %}: the conversation's next step for the signed-in
person (next_steps.conversation_next_step), for the "Next step" line every conversation
page starts with (conversations/_next_step.html)."""

from django import template

from samtale.conversations import next_steps

register = template.Library()


@register.simple_tag(takes_context=True)
def next_step(context, conversation) -> next_steps.NextStep:
    """A page that has read the current revision passes it (`current_revision`, None for
    none), so it is not read again."""
    summary = context.get("current_revision", next_steps.UNREAD)
    return next_steps.conversation_next_step(conversation, context["request"].user, summary=summary)
