"""The navigation of every page: what the access policy lets this person reach, asked of
each domain's policy. It stands above every domain, in the home app."""

from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samtale.actions import policy as actions_policy
from samtale.api import policy as api_policy
from samtale.archive import policy as archive_policy
from samtale.audit import policy as audit_policy
from samtale.competence import policy as competence_policy
from samtale.core import access
from samtale.core.context_processors import LANGUAGE_NAMES, chrome_urls
from samtale.guides import policy as guides_policy
from samtale.home import guide
from samtale.insight import policy as insight_policy
from samtale.needs import policy as needs_policy
from samtale.org import policy as org_policy
from samtale.priorities import policy as priorities_policy
from samtale.privacy import policy as privacy_policy
from samtale.rounds import policy as rounds_policy

# (URL name, label, the `nav` flag that shows it (None: everyone), exact match for aria-current)
MENU = (
    ("home", _("Home"), None, True),
    ("conversation_list", _("Conversations"), None, False),
    ("my_actions", _("My actions"), None, True),
    ("follow_up", _("Follow-up"), "follow_up", False),
    # For the leaders who write their unit's each year; HR finds them in Innsikt's tabs.
    ("priority_list", _("Goals"), "follow_up", False),
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
        return {
            "nav": {},
            "menu": [],
            "language_names": LANGUAGE_NAMES,
            "urls": chrome_urls(),
            **_help(request),
        }
    nav = {
        "people": access.may_list_people(user),
        "units": access.may_list_units(user),
        "manage": access.may_manage_org(user),
        "org_changes": org_policy.may_read_org_changes(user),
        "guides": guides_policy.may_manage_guides(user),
        "follow_up": actions_policy.may_follow_up_reports(user),
        "priorities": priorities_policy.may_write_priorities(user),
        "competence": competence_policy.may_see_plans(user),
        "rounds": rounds_policy.may_list_rounds(user),
        "insight": insight_policy.may_see_insight(user),
        "answers": insight_policy.may_see_answers(user),
        "status": insight_policy.may_see_status(user),
        "leadership": insight_policy.may_see_leadership(user),
        "needs": needs_policy.may_list_needs(user),
        "archive": archive_policy.may_work_archive(user),
        "audit": audit_policy.may_search_audit(user),
        "retention": privacy_policy.may_read_retention(user),
        "api_keys": api_policy.may_use_api_keys(user),
    }
    nav["any_insight"] = nav["status"] or nav["leadership"] or nav["needs"] or nav["answers"]
    return {
        "nav": nav,
        "menu": _menu(nav, request.path),
        "language_names": LANGUAGE_NAMES,
        "urls": chrome_urls(),
        **_help(request),
    }


def _help(request) -> dict:
    """The header's *Hjelp*: the guide's section about this page (home.guide)."""
    match = getattr(request, "resolver_match", None)
    return {
        "help_url": guide.help_url(request),
        "help_current": match is not None and match.url_name in ("help", "help_page"),
    }
