"""Template partials that depend on a few values and the language only, rendered once per
process and then reused.

The page's header and footer, the static links in its head and the follow-up overview's
filter form are the same for everyone with the same rights on the same page; rendering them
through the template engine on every request cost more than some pages' own work. The few
values that do differ per request (a name, a CSRF token, the current address) are slots,
filled into the rendered HTML on every call. Under DEBUG the partials are rendered afresh,
since that is where templates are edited.
"""

import re
from collections.abc import Callable, Hashable
from html import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

# Bounded: the keys are choices of the app, not what a user types; past this, start over.
MAX_FRAGMENTS = 4096
_rendered: dict[tuple, SafeString] = {}

# Where a slot goes in the kept HTML. NUL never survives into real output: every slot
# marker is replaced, in one pass, on every call.
_SLOT = re.compile("\x00(\\w+)\x00")


def fragment(
    template_name: str,
    key: Hashable,
    context: Callable[[], dict],
    slots: dict[str, str] | None = None,
) -> SafeString:
    """`template_name` rendered with `context()`, once per `key` and language.

    `slots` are the values that differ on every request. The template prints each as
    `{{ slots.NAME }}`, with no filter; the value arrives escaped (html.escape: the five
    characters the template engine escapes, in the same way).
    """
    slots = slots or {}
    if settings.DEBUG:
        return render_to_string(template_name, {**context(), "slots": slots})
    cache_key = (template_name, translation.get_language(), key)
    html = _rendered.get(cache_key)
    if html is None:
        if len(_rendered) >= MAX_FRAGMENTS:
            _rendered.clear()
        markers = {name: mark_safe(f"\x00{name}\x00") for name in slots}  # noqa: S308
        html = _rendered[cache_key] = render_to_string(
            template_name, {**context(), "slots": markers}
        )
    if not slots:
        return html
    return mark_safe(_SLOT.sub(lambda m: escape(slots[m[1]]), html))  # noqa: S308 - escaped
