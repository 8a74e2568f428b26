from functools import cache

from django import template
from django.conf import settings
from django.templatetags.static import static

from samtale.core import holidays

register = template.Library()

BADGES = {
    "signed": "success",
    "summary_agreed": "success",
    "prepared": "success",
    "done": "success",
    "postponed": "warning",
    "in_progress": "warning",
    "cancelled": "danger",
    "dropped": "danger",
}


@register.filter
def badge(status: str) -> str:
    """The colour of a status's tag (Designsystemet's data-color)."""
    return BADGES.get(status, "neutral")


@register.filter
def isodate(value: str | None):
    """A date stored as text (2026-11-22) back to a date, so |date formats it."""
    from datetime import date

    return date.fromisoformat(value) if value else None


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def page_range(paginator, number):
    """The page numbers around `number`, with the paginator's ELLIPSIS for the gaps."""
    return paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)


@register.filter(expects_localtime=True)
def day(value) -> str:
    """A date (or a datetime, in the current time zone) as Norwegians write it, 22.11.2026,
    in every language (config/formats). The `date` filter does the same through a general
    formatter that costs a list of twenty cards more than its query."""
    if not value:
        return ""
    return "%02d.%02d.%d" % (value.day, value.month, value.year)  # noqa: UP031 - the fastest


@register.simple_tag
def asset(path: str) -> str:
    """The URL of a static file, like {% static %}, looked up once per process: the manifest
    storage's lookup costs every page a few hundred microseconds for its ten assets."""
    return _asset_url(path)


@cache
def _asset_url(path: str) -> str:
    return static(path)


@register.filter
def named(error, label) -> str:
    """An error as a summary lists it, "<label>: <error>"; an error that names its field
    already (core.forms: "Date: 31.02.2026 is not a valid date.") is listed as it is, not
    "Date: Date: …"."""
    error, label = str(error), str(label or "")
    if not label or error.startswith(f"{label}:"):
        return error
    return f"{label}: {error}"


@register.inclusion_tag("core/_script.html")
def script(path: str, **data) -> dict:
    """One of our scripts, with its data-* attributes (True: the attribute alone): left for
    base.html's loader to fetch once the page has loaded (settings.SCRIPTS_AFTER_LOAD), or
    a deferred <script>. The loader copies the data attributes to the script it makes,
    so a script reads them from document.currentScript either way."""
    return {
        "src": asset(path),
        "data": [(name.replace("_", "-"), value) for name, value in data.items()],
        "after_load": settings.SCRIPTS_AFTER_LOAD,
    }


@register.inclusion_tag("core/_script_loader.html", takes_context=True)
def script_loader(context) -> dict:
    """The loader of the scripts {% script %} left (settings.SCRIPTS_AFTER_LOAD), inline
    with the request's CSP nonce; nothing when scripts are deferred tags."""
    return {"after_load": settings.SCRIPTS_AFTER_LOAD, "csp_nonce": context.get("csp_nonce", "")}


@register.filter(expects_localtime=True)
def day_off(value) -> str:
    """Why a date is no working day in Norway ("Sunday", "Constitution Day"), or ""
    (core.holidays)."""
    return holidays.day_off(value)
