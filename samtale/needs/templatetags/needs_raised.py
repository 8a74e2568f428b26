"""What the conversation's pages show of the needs raised in it, fetched by needs' own
template (needs/_raised.html), so the conversation's views need not import the needs app
above them: `{% load needs_raised %}{% raised_in conversation as here %}`."""

from django import template

from samtale.needs.selectors import raised_context

register = template.Library()


@register.simple_tag(takes_context=True)
def raised_in(context, conversation) -> dict:
    """{"needs": the needs raised that the viewer may see, "form": the form to raise one}
    (selectors.raised_context, under needs' policy)."""
    return raised_context(context["request"], conversation)
