"""Template partials that depend on a few values and the language only, rendered once per
process and then reused.

The header's menu, the language switch and the follow-up overview's filter form are the same
for everyone with the same rights on the same page; rendering them through the template engine
on every request cost more than some pages' own work. Under DEBUG they are rendered afresh,
since that is where templates are edited.
"""

from collections.abc import Callable, Hashable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

# Bounded: the keys are choices of the app, not what a user types; past this, start over.
MAX_FRAGMENTS = 4096
_rendered: dict[tuple, SafeString] = {}


def fragment(template_name: str, key: Hashable, context: Callable[[], dict]) -> SafeString:
    """`template_name` rendered with `context()`, once per `key` and language."""
    if settings.DEBUG:
        return render_to_string(template_name, context())
    cache_key = (template_name, translation.get_language(), key)
    html = _rendered.get(cache_key)
    if html is None:
        if len(_rendered) >= MAX_FRAGMENTS:
            _rendered.clear()
        html = _rendered[cache_key] = render_to_string(template_name, context())
    return html
