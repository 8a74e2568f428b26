from django.urls import reverse

from samtale.core import access

# The language switch shows each language in its own words.
LANGUAGE_NAMES = (("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English"))


def navigation(request):
    """The header's links, as the access policy allows, built once in Python.

    `nav` keeps the flags for templates that ask "may I link to X?"; `nav_items` is the
    menu: (url, label, current).
    """
    from django.utils.translation import gettext as _

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "nav_items": (), "language_names": LANGUAGE_NAMES}
    nav = {
        "people": access.may_list_people(user),
        "units": access.may_list_units(user),
        "manage": access.may_manage_org(user),
        "guides": access.may_manage_guides(user),
        "follow_up": access.may_follow_up_reports(user),
        "rounds": access.may_list_rounds(user),
    }
    entries = [
        ("home", _("Home"), True, True),
        ("conversation_list", _("Conversations"), True, False),
        ("my_actions", _("My actions"), True, True),
        ("follow_up", _("Follow-up"), nav["follow_up"], False),
        ("round_list", _("Rounds"), nav["rounds"], False),
        ("person_list", _("People"), nav["people"], False),
        ("unit_list", _("Units"), nav["units"], False),
        ("import_start", _("Import"), nav["manage"], False),
        ("guide_list", _("Templates"), nav["guides"], False),
    ]
    path = request.path
    items = []
    for name, label, allowed, exact in entries:
        if allowed:
            url = reverse(name)
            items.append((url, label, path == url if exact else path.startswith(url)))
    return {"nav": nav, "nav_items": items, "language_names": LANGUAGE_NAMES}
