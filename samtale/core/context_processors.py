from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_noop

from samtale.core import access
from samtale.core.fragments import fragment

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


def navigation(request):
    """What the access policy lets this person reach: `nav` keeps the flags for the menu
    (core.templatetags.chrome) and for templates that ask "may I link to X?"."""
    assets = fragment("core/_assets.html", None, dict)  # the static files' hashed names
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "assets": assets}
    nav = {
        "people": access.may_list_people(user),
        "units": access.may_list_units(user),
        "manage": access.may_manage_org(user),
        "guides": access.may_manage_guides(user),
        "follow_up": access.may_follow_up_reports(user),
        "rounds": access.may_list_rounds(user),
    }
    return {"nav": nav, "assets": assets}
