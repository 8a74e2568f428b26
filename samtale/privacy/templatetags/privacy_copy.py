"""How the copy of a person's data (privacy/export/) names who did something:
`{{ row.by|who }}`."""

from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext

from samtale.privacy.export_conversations import YOU

register = template.Library()


@register.filter
def who(by: str | None) -> str:
    """ "You" for the reader ("you" in the data), a name as it is, and Samtale for no one
    (its own jobs). Each is said where a line or a cell begins."""
    if by == YOU:
        # Translators: the reader of their own copy, as the one who did something ("Du").
        return capfirst(gettext("you"))
    return by or gettext("Samtale")
