"""Every page's header and footer, from partials rendered once per menu and language
(core.fragments): per request, only the person's name, the CSRF token and the current
address are filled in."""

from functools import cache

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samtale.core.fragments import fragment

register = template.Library()

# The language switch shows each language in its own words.
LANGUAGE_NAMES = (("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English"))

# (URL name, label, who sees it, exact match for aria-current)
MENU = (
    ("home", gettext_noop("Home"), None, True),
    ("conversation_list", gettext_noop("Conversations"), None, False),
    ("my_actions", gettext_noop("My actions"), None, True),
    ("follow_up", gettext_noop("Follow-up"), "follow_up", False),
    ("round_list", gettext_noop("Rounds"), "rounds", False),
    ("person_list", gettext_noop("People"), "people", False),
    ("unit_list", gettext_noop("Units"), "units", False),
    ("import_start", gettext_noop("Import"), "manage", False),
    ("guide_list", gettext_noop("Templates"), "guides", False),
)


@cache
def chrome_urls() -> dict[str, str]:
    """URLs every page's header and footer use. They do not change while the process
    runs, and reversing them on every request cost more than some pages' own work."""
    urls = {name: reverse(name) for name, *_rest in MENU}
    return urls | {name: reverse(name) for name in ("profile", "logout", "language_set")}


def menu(nav: dict, path: str) -> tuple:
    """(URL, label, is the current page) for each menu entry the person may reach, with the
    label untranslated: the header's key, and its content once translated."""
    urls = chrome_urls()
    entries = []
    for name, label, flag, exact in MENU:
        if flag is None or nav.get(flag):
            url = urls[name]
            entries.append((url, label, path == url if exact else path.startswith(url)))
    return tuple(entries)


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """The brand; for a signed-in person also the menu, their name and the sign-out form."""
    user = context.get("user")
    request = context.get("request")
    if user is None or not user.is_authenticated or request is None:
        return fragment("core/_header.html", None, lambda: {"url": chrome_urls()})
    entries = menu(context.get("nav") or {}, request.path)
    return fragment(
        "core/_header.html",
        entries,
        lambda: {
            "url": chrome_urls(),
            "nav_items": [(url, _(label), current) for url, label, current in entries],
        },
        slots={"full_name": user.full_name, "csrf_token": str(context.get("csrf_token", ""))},
    )


@register.simple_tag(takes_context=True)
def site_footer(context) -> SafeString:
    """The product line and the language switch, which comes back to this page."""
    request = context.get("request")
    return fragment(
        "core/_footer.html",
        None,
        lambda: {"url": chrome_urls(), "language_names": LANGUAGE_NAMES},
        slots={
            "csrf_token": str(context.get("csrf_token", "")),
            "next": request.get_full_path() if request else "",
        },
    )
