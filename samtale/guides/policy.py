"""Who may see or manage the conversation templates.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samtale.core.access import require, roles_for
from samtale.guides.models import Guide

# Conversation templates ------------------------------------------------------


def may_manage_guides(user) -> bool:
    """HR and administrators create, copy, edit and retire templates."""
    roles = roles_for(user)
    return roles.is_hr or roles.is_admin


def guides_visible_to(user) -> QuerySet[Guide]:
    """Templates hold no personal data: everyone signed in may read them (leaders choose one)."""
    if roles_for(user).person_id is None:
        return Guide.objects.none()
    return Guide.objects.all()


def get_guide_for(user, pk, *, write: bool = False) -> Guide:
    try:
        guide = guides_visible_to(user).get(pk=pk)
    except (Guide.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require(may_manage_guides(user))
    return guide
