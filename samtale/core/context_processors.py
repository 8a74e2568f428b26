from samtale.core import access
from samtale.core.fragments import fragment


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
        "org_changes": access.may_read_org_changes(user),
        "guides": access.may_manage_guides(user),
        "follow_up": access.may_follow_up_reports(user),
        "rounds": access.may_list_rounds(user),
    }
    return {"nav": nav, "assets": assets}
