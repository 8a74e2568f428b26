"""What the conversation's pages show of the needs raised in it."""

from samtale.core import access
from samtale.needs import services
from samtale.needs.forms import RaiseForm


def raised_context(user, conversation, form: RaiseForm | None = None) -> dict:
    """What the conversation's pages show of its needs: for both parties."""
    units = services.units_for_need(conversation)
    return {
        "raised_needs": access.raised_needs_visible_to(user, conversation).select_related("unit"),
        "raise_form": form
        or RaiseForm(units=units, initial={"unit": units[0].pk if units else None}),
    }
