"""What the conversation's pages show of the needs raised in it."""

from typing import Any

from django.http import HttpRequest

from samtale.needs import policy, services
from samtale.needs.forms import RaiseForm


def draft_key(conversation: Any) -> str:
    """Where a refused need waits in the session, so that what was typed comes back."""
    return f"need-draft-{conversation.pk}"


def raised_context(request: HttpRequest, conversation: Any) -> dict[str, Any]:
    """What the conversation's pages show of its needs, for both parties; a need the form
    refused comes back as typed, with its errors."""
    units = services.units_for_need(conversation)
    draft = request.session.pop(draft_key(conversation), None)
    if draft is not None:
        form = RaiseForm(draft, units=units)
        form.is_valid()  # the errors beside the fields
    else:
        form = RaiseForm(units=units, initial={"unit": units[0].pk if units else None})
    return {
        "needs": policy.raised_needs_visible_to(request.user, conversation).select_related("unit"),
        "form": form,
    }
