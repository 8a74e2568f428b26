"""Whose API keys a person may see and revoke.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from samtale.api.models import ApiToken
from samtale.core.access import roles_for
from samtale.tenancy import tenant_settings

# API keys -------------------------------------------------------------------


def may_use_api_keys(user) -> bool:
    """Who may make API keys of their own and call the API with them: HR and the
    administrators, and everyone else only where the organization lets them
    (SAMTALE_API_KEYS_FOR_EVERYONE). Revoking one's own key is always allowed."""
    roles = roles_for(user)
    if roles.person_id is None:
        return False
    return roles.is_admin or roles.is_hr or tenant_settings.SAMTALE_API_KEYS_FOR_EVERYONE


def api_tokens_visible_to(user) -> QuerySet[ApiToken]:
    """Your own keys; an administrator also sees (and may revoke) every service token."""
    roles = roles_for(user)
    if roles.person_id is None:
        return ApiToken.objects.none()
    if roles.is_admin:
        return ApiToken.objects.filter(Q(person_id=roles.person_id) | Q(kind=ApiToken.Kind.SERVICE))
    return ApiToken.objects.filter(person_id=roles.person_id)


def get_api_token_for(user, pk) -> ApiToken:
    try:
        return api_tokens_visible_to(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
