"""Who may connect a calendar, and whose.

Part of the one access policy (core.access is its ground floor: roles, `require`):
views, the API, exports and e-mails ask it, and nothing else decides access.

Everyone connects their own calendar (a leader's is read by the scheduling assistant; an
employee's by the hand planner, when they choose to connect one); an administrator may
connect anyone's, from the person's page. Nobody else: not HR, not a leader for their
reports. What a connection reads is free/busy only, and nobody sees it but as the
planners' choices and warnings.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from samtale.calendars.models import CalendarConnection
from samtale.core.access import own, require, roles_for
from samtale.org import policy as org_policy
from samtale.org.models import Person


def may_connect_calendar(user, person: Person) -> bool:
    roles = roles_for(user)
    if roles.person_id is None or not person.is_active:
        return False
    return roles.person_id == person.pk or roles.is_admin


def get_calendar_person_for(user, pk) -> Person:
    """The person whose calendar connection the user opens: 404 where they may not know the
    person exists (org's rule), 403 where they may see the person but not their calendar."""
    roles = roles_for(user)
    if roles.person_id is None:
        raise Http404
    person = org_policy.get_person_for(user, pk)
    require(may_connect_calendar(user, person))
    return person


def calendar_connections_about(user) -> QuerySet[CalendarConnection]:
    """The user's own calendar connection (at most one), for their copy of their data
    (privacy.export). Whoever made it, the user or an administrator, it is theirs."""
    return own(user, CalendarConnection)
