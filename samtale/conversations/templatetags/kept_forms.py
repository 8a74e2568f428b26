"""A refused form's data, kept for the page it went back to (samtale.conversations.kept),
for a section whose view does not build its forms: `{% kept_review goal as kept %}` in
conversations/_previous.html, where a goal's result is recorded."""

from django import template

from samtale.conversations.kept import form_take

register = template.Library()


@register.simple_tag(takes_context=True)
def kept_review(context, goal) -> dict:
    """A goal's result refused without JavaScript, once: {"error", "result", "learned"}
    as posted; all empty when nothing was kept (then the goal's stored result shows)."""
    kept = form_take(context.get("request"), f"review:{goal.pk}") or {"error": "", "data": {}}
    data = kept["data"]
    return {
        "error": kept["error"],
        "result": data.get("result", ""),
        "learned": data.get("learned", ""),
    }
