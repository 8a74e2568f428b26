"""Parts of every page that are the same for everyone but for a few values of the request
(the CSP nonce, the form token, the page's own address, the seconds left of the session):
rendered once per process for each language, with a marker where each such value goes,
which each request then writes in, escaped as the template would have. Every signed-in
page has four of them; rendered anew each time they cost a page a third of a millisecond,
a third of what the leader's overview costs beyond a bare view (issue 46's benchmark).

A part is rendered again when the language differs, when a setting changes (tests change
SCRIPTS_AFTER_LOAD and the session's times; `setting_changed`), and, as usual, when a value
is missing: a page made without a form token (an error page) gets no form token input."""

import re
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

_MARK = "kept-slot-8c1f-{}-end"
_FIND = re.compile(r"kept-slot-8c1f-(\w+)-end")
_parts: dict[tuple[Any, ...], list[Any]] = {}


def render_kept(template_name: str, *, same: dict[str, Any], slots: dict[str, Any]) -> SafeString:
    """`template_name` rendered with the values `same` (the same for every request in a
    process: kept by them) and `slots` (this request's own, written in escaped)."""
    if any(value is None or value == "" for value in slots.values()):
        return render_to_string(template_name, {**same, **slots})
    key = (template_name, translation.get_language(), repr(sorted(same.items())))
    parts = _parts.get(key)
    if parts is None:
        html = render_to_string(template_name, {**same, **{n: _MARK.format(n) for n in slots}})
        # Text and slot names, alternating: "…", "csrf_token", "…".
        parts = _parts[key] = _FIND.split(html)
    written = [
        part if n % 2 == 0 else str(conditional_escape(slots[part])) for n, part in enumerate(parts)
    ]
    return mark_safe("".join(written))  # noqa: S308 - a template's output, each slot escaped


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _parts.clear()
