from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samtale.core import access

# The language switch shows each language in its own words.
LANGUAGE_NAMES = (("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English"))

# (URL name, label, the `nav` flag that shows it (None: everyone), exact match for aria-current)
MENU = (
    ("home", _("Home"), None, True),
    ("conversation_list", _("Conversations"), None, False),
    ("my_actions", _("My actions"), None, True),
    ("follow_up", _("Follow-up"), "follow_up", False),
    ("round_list", _("Rounds"), "rounds", False),
    ("status_analysis", _("Insight"), "any_insight", False),
    ("person_list", _("People"), "people", False),
    ("unit_list", _("Units"), "units", False),
    ("import_start", _("Import"), "manage", False),
    ("guide_list", _("Templates"), "guides", False),
    ("archive_queue", _("Archive"), "archive", False),
)


@cache
def _menu_urls() -> tuple[str, ...]:
    return tuple(reverse(name) for name, *_rest in MENU)


@cache
def chrome_urls() -> dict[str, str]:
    """The addresses every page's header, footer and session warning link to, reversed once
    per process (`urls.<name>` in templates)."""
    names = ("home", "profile", "logout", "login", "language_set", "session_status")
    return {name: reverse(name) for name in (*names, "accessibility_statement")}


def _menu(nav: dict, path: str) -> list[tuple]:
    """(URL, label, is the current page) for each entry the person may reach; the labels
    translated, so the list is also the key the header is kept rendered by."""
    return [
        (url, str(label), path == url if exact else path.startswith(url))
        for url, (_name, label, flag, exact) in zip(_menu_urls(), MENU, strict=True)
        if flag is None or nav.get(flag)
    ]


def navigation(request):
    """What the access policy lets this person reach: `nav` keeps the flags for the menu and
    for templates that ask "may I link to X?"; `menu` is the header's list."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "menu": [], "language_names": LANGUAGE_NAMES, "urls": chrome_urls()}
    nav = {
        "people": access.may_list_people(user),
        "units": access.may_list_units(user),
        "manage": access.may_manage_org(user),
        "org_changes": access.may_read_org_changes(user),
        "guides": access.may_manage_guides(user),
        "follow_up": access.may_follow_up_reports(user),
        "rounds": access.may_list_rounds(user),
        "insight": access.may_see_insight(user),
        "status": access.may_see_status(user),
        "leadership": access.may_see_leadership(user),
        "needs": access.may_list_needs(user),
        "archive": access.may_work_archive(user),
        "audit": access.may_search_audit(user),
        "retention": access.may_read_retention(user),
    }
    nav["any_insight"] = nav["status"] or nav["leadership"] or nav["needs"]
    return {
        "nav": nav,
        "menu": _menu(nav, request.path),
        "language_names": LANGUAGE_NAMES,
        "urls": chrome_urls(),
    }
