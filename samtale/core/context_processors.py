from samtale.core import access


def navigation(request):
    """What the header may link to, as the access policy says."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "people": access.may_list_people(user),
            "units": access.may_list_units(user),
            "manage": access.may_manage_org(user),
            "guides": access.may_manage_guides(user),
            "rounds": access.may_list_rounds(user),
        }
    }
