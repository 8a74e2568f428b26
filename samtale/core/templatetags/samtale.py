from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from samtale import tenancy
from samtale.core import holidays
from samtale.core.context_processors import LANGUAGE_NAMES, chrome_urls
from samtale.core.kept import render_kept

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
def isodate(value: str | None) -> date | None:
    """A date stored as text (2026-11-22) back to a date, so |date formats it."""
    return date.fromisoformat(value) if value else None


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def page_range(paginator: Any, number: Any) -> Iterator[int | str]:
    """The page numbers around `number`, with the paginator's ELLIPSIS for the gaps."""
    pages: Iterator[int | str] = paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
    return pages


@register.filter(expects_localtime=True)
def day(value: Any) -> str:
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
def named(error: Any, label: Any) -> str:
    """An error as a summary lists it, "<label>: <error>"; an error that names its field
    already (core.forms: "Date: 31.02.2026 is not a valid date.") is listed as it is, not
    "Date: Date: …"."""
    text, name = str(error), str(label or "")
    if not name or text.startswith(f"{name}:"):
        return text
    return f"{name}: {text}"


@register.simple_tag
def script(path: str, **data: Any) -> str:
    """One of our scripts, with its data-* attributes (True: the attribute alone): left inert
    for base.html's loader to fetch once the page has loaded (settings.SCRIPTS_AFTER_LOAD), or
    a deferred <script>. The loader copies the data attributes to the script it makes, so a
    script reads them from document.currentScript either way. Written here, not by a
    template: every page has five of them, and a template each cost the page a tenth of a
    millisecond."""
    attributes = format_html_join(
        "",
        " data-{}{}",
        (
            (name.replace("_", "-"), "" if value is True else format_html('="{}"', value))
            for name, value in data.items()
        ),
    )
    if settings.SCRIPTS_AFTER_LOAD:
        return format_html(
            '<script type="text/plain" data-src="{}"{}></script>', asset(path), attributes
        )
    return format_html('<script src="{}"{} defer></script>', asset(path), attributes)


# Once the page has loaded and its first paint is on the screen: each <script type="text/plain"
# data-src> that {% script %} left gives a script, in order (async = false), with the same data
# attributes, added to <head> (a script added in <body> re-styles the whole page: issue 36), the
# placeholder left inert without its data-src; when all have run, <html data-scripts="loaded">.
# The first paint counts as on the screen when the browser reports it (a "paint" entry: it
# does so once the frame is shown); a requestAnimationFrame came before that frame was shown
# in one load of four. Where the page painted before the load event, the next frames paint the
# rest. A tab in the background paints nothing: there the timer does it. Not before the load
# event: htmx 2 started between DOMContentLoaded and load never starts.
LOADER_JS = mark_safe(  # noqa: S308 - our own constant, no input in it
    'addEventListener("load",function(){var d=document,h=d.documentElement,P=window.PerformanceObserver,'
    'done=0;function go(){if(done++)return;var l=d.querySelectorAll("script[data-src]"),'
    'n=l.length;if(!n){h.dataset.scripts="loaded";return}l.forEach(function(o){var s=d.createElement("script");'
    'for(var k in o.dataset)if(k!=="src")s.dataset[k]=o.dataset[k];s.src=o.dataset.src;'
    's.async=false;s.onload=s.onerror=function(){if(!--n)h.dataset.scripts="loaded"};'
    'o.removeAttribute("data-src");d.head.appendChild(s)})}if(P&&(P.supportedEntryTypes||[]).indexOf("paint")>=0&&!performance.getEntriesByName("first-contentful-paint").length)new P(function(list,'
    'observer){observer.disconnect();setTimeout(go,0)}).observe({type:"paint"});else requestAnimationFrame(function(){'
    "requestAnimationFrame(function(){setTimeout(go,0)})});setTimeout(go,1000)})"
)


@register.simple_tag(takes_context=True)
def page_assets(context: Any) -> str:
    """The icon, the stylesheet and the scripts (core/_assets.html), kept rendered
    (core.kept): the same on every page but for the CSP nonce."""
    return render_kept(
        "core/_assets.html", same={}, slots={"csp_nonce": str(context.get("csp_nonce", ""))}
    )


@register.simple_tag(takes_context=True)
def page_header(context: Any) -> str:
    """The header with the menu (core/_header.html), kept rendered (core.kept) for each menu
    (the person's, with the page they are on): the same but for their name, the guide's
    section about the page and the form token."""
    user = context.get("user")
    return render_kept(
        "core/_header.html",
        same={
            "urls": chrome_urls(),
            # The organization whose Samtale this is (tenancy): one installation may
            # serve several.
            "organization": tenancy.current().name,
            "menu": context.get("menu") or [],
            "help_current": bool(context.get("help_current")),
        },
        slots={
            "help_url": context.get("help_url"),
            "full_name": getattr(user, "full_name", None) if context.get("menu") else "-",
            "csrf_token": context.get("csrf_token"),
        },
    )


@register.simple_tag(takes_context=True)
def page_footer(context: Any) -> str:
    """The footer with the language switch (core/_footer.html), kept rendered (core.kept):
    the same on every page but for the form token and the page to come back to."""
    request = context.get("request")
    return render_kept(
        "core/_footer.html",
        same={"urls": chrome_urls(), "language_names": LANGUAGE_NAMES},
        slots={
            "csrf_token": context.get("csrf_token"),
            "here": request.get_full_path() if request is not None else None,
        },
    )


@register.simple_tag(takes_context=True)
def script_loader(context: Any) -> str:
    """The loader of the scripts {% script %} left (settings.SCRIPTS_AFTER_LOAD, LOADER_JS),
    inline with the request's CSP nonce; nothing when scripts are deferred tags."""
    if not settings.SCRIPTS_AFTER_LOAD:
        return ""
    return format_html('<script nonce="{}">{}</script>', context.get("csp_nonce", ""), LOADER_JS)


@register.filter(expects_localtime=True)
def day_off(value: Any) -> str:
    """Why a date is no working day in Norway ("Sunday", "Constitution Day"), or ""
    (core.holidays)."""
    return holidays.day_off(value)
