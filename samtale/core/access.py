"""The access policy's ground floor: who the signed-in person is to the policy (their roles,
computed once a request), `require`, and the capabilities that need nothing but roles.

Each domain app guards its own objects in its `policy.py`, standing on this: every view,
htmx fragment, API endpoint, export and e-mail asks the policy of the domain it reads, and
nothing else decides access. Three kinds of answers there:

- `<things>_visible_to(user)` querysets feed every list, count and aggregate.
- `get_<thing>_for(user, pk, *, write=False)` fetches and authorizes in one call:
  404 (Http404) when the user may not know the object exists, 403
  (PermissionDenied) when they may see it but not change it.
- `may_<capability>(user)` answers section-level questions ("may this user
  manage the organization?") and `require()` turns a no into 403.

Roles: an administrator manages organization, people and settings; HR sees
people and aggregates; a leader is anyone with reports and sees the people below them in
the line; everyone sees themselves. Deny by default: an anonymous or inactive user has no
roles. The person is the user model (AUTH_USER_MODEL), so this module imports no domain.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Roles:
    person_id: int | None
    is_admin: bool = False
    is_hr: bool = False
    is_archivist: bool = False
    # A union representative, for a unit and those below it (None: the whole organization).
    is_union_rep: bool = False
    union_unit_id: int | None = None
    # Everyone below this person in the line, directly or through other leaders.
    subordinate_ids: frozenset[int] = field(default_factory=frozenset)
    direct_report_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_leader(self) -> bool:
        return bool(self.direct_report_ids)

    @property
    def is_leaders_leader(self) -> bool:
        return self.subordinate_ids != self.direct_report_ids

    @property
    def words(self) -> list[str]:
        """The roles in words, as the person's home and their copy of their data name them:
        everyone is an employee (a role no one is given), then what they lead or were given."""
        held = [
            (True, _("Employee")),
            (self.is_leader, _("leader")),
            (self.is_hr, _("HR")),
            (self.is_admin, _("administrator")),
            (self.is_archivist, _("archive staff")),
            (self.is_union_rep, _("union representative")),
        ]
        return [str(word) for has, word in held if has]


ANONYMOUS = Roles(person_id=None)


def _below(level: set[int], person_id: int, seen: set[int]) -> set[int]:
    """Everyone below `level` in the line: one indexed query per level (manager_id IN …).

    A recursive CTE reads the same in one statement, but PostgreSQL plans its recursive
    step as a scan of every person. The `seen` set stops even if bad data makes a cycle.
    """
    found: set[int] = set()
    while level:
        # Each person found says whether anyone reports to them: the walk stops at the last
        # level that leads others, instead of asking once more to find nobody below it.
        rows = (
            get_user_model()
            .objects.filter(manager_id__in=level)
            .annotate(leads=Exists(get_user_model().objects.filter(manager_id=OuterRef("pk"))))
            .order_by()
            .values_list("pk", "leads")
        )
        below, leading = set(), set()
        for pk, leads in rows:
            below.add(pk)
            if leads:
                leading.add(pk)
        new = below - (seen | found | {person_id})
        found |= new
        level = leading & new
    return found


def subordinate_ids(person_id: int) -> tuple[frozenset[int], frozenset[int]]:
    """(direct reports, everyone below) for a person, walking the line level by level."""
    direct = set(
        get_user_model()
        .objects.filter(manager_id=person_id)
        .order_by()
        .values_list("pk", flat=True)
    ) - {person_id}
    return frozenset(direct), frozenset(direct | _below(direct, person_id, direct))


# Whether someone below has reports of their own is asked as a scalar subquery with LIMIT 1:
# written as nested EXISTS or joins, PostgreSQL turned it into a semi-join over everyone
# and hashed all 50,000 people on each request (24 ms of an employee's 25 for a bare page).
PERSON_WITH_LINE_SQL = """
SELECT {columns},
       (SELECT {direct_ids} FROM {person} r WHERE r.manager_id = p.id) AS line_direct_ids,
       EXISTS(SELECT 1 FROM {person} r WHERE r.manager_id = p.id
              AND (SELECT rr.id FROM {person} rr WHERE rr.manager_id = r.id LIMIT 1)
                  IS NOT NULL) AS line_leads_leaders,
       (SELECT {second_ids} FROM {person} r JOIN {person} rr ON rr.manager_id = r.id
        WHERE r.manager_id = p.id) AS line_second_ids,
       EXISTS(SELECT 1 FROM {person} r JOIN {person} rr ON rr.manager_id = r.id
              WHERE r.manager_id = p.id
              AND (SELECT rrr.id FROM {person} rrr WHERE rrr.manager_id = rr.id LIMIT 1)
                  IS NOT NULL) AS line_leads_deeper{also}
FROM {person} p WHERE p.id = %s
"""


@cache
def _person_with_line_sql(vendor: str, also: tuple[tuple[str, str], ...] = ()) -> str:
    quote = connection.ops.quote_name

    def ids(alias: str) -> str:
        if vendor == "postgresql":
            return f"STRING_AGG(CAST({alias}.id AS text), ',')"
        return f"GROUP_CONCAT({alias}.id, ',')"

    return PERSON_WITH_LINE_SQL.format(
        columns=", ".join(
            f"p.{quote(f.column)}" for f in get_user_model()._meta.concrete_fields if f.column
        ),
        direct_ids=ids("r"),
        second_ids=ids("rr"),
        person=quote(get_user_model()._meta.db_table),
        also="".join(f",\n       {expression} AS {name}" for name, expression in also),
    )


def person_with_line(pk: Any, also: tuple[tuple[str, str], ...] = ()) -> Any:
    """A person loaded with the first facts the policy asks about them, in one statement:
    who reports to them directly, who reports to those, and whether the line goes deeper;
    and `also` ((attribute, SQL expression over the person `p`), …), what the apps above ask
    about every signed-in person (accounts.backends), in the same statement.

    The signed-in user is loaded this way (accounts.backends), so a leader's requests know
    their reports without queries of their own; only a leader's leader walks further. The
    statement is written out because the ORM took thirty times longer to build it than the
    database to answer it, on every request.
    """
    sql = _person_with_line_sql(connection.vendor, also)
    return next(iter(get_user_model().objects.raw(sql, [int(pk)])), None)


def _ids(joined: str | None) -> set[int]:
    return {int(pk) for pk in (joined or "").split(",") if pk}


def _line_of(user: Any) -> tuple[frozenset[int], frozenset[int]]:
    """(direct reports, everyone below): from the two levels person_with_line read, and
    walked further only for a line deeper than that."""
    if not hasattr(user, "line_direct_ids"):
        return subordinate_ids(user.pk)
    direct = _ids(user.line_direct_ids) - {user.pk}
    if not user.line_leads_leaders:
        return frozenset(direct), frozenset(direct)
    second = _ids(user.line_second_ids) - direct - {user.pk}
    known = direct | second
    if not user.line_leads_deeper:
        return frozenset(direct), frozenset(known)
    return frozenset(direct), frozenset(known | _below(second, user.pk, known))


def roles_for(user: Any) -> Roles:
    """The facts the policy needs about a user, computed once per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Roles | None = getattr(user, "_samtale_roles", None)
    if cached is not None:
        return cached
    direct, below = _line_of(user)
    roles = Roles(
        person_id=user.pk,
        is_admin=user.is_org_admin,
        is_hr=user.is_hr,
        is_archivist=user.is_archivist,
        is_union_rep=user.is_union_rep,
        union_unit_id=user.union_unit_id,
        subordinate_ids=below,
        direct_report_ids=direct,
    )
    user._samtale_roles = roles
    return roles


def roles_of_person(person: Any) -> Roles:
    """A person's roles whether or not they can sign in now (one who has left keeps the right
    to a copy of their data, which names their roles); never cached on `person`."""
    subject = copy.copy(person)
    subject.__dict__.pop("_samtale_roles", None)
    subject.is_active = True
    return roles_for(subject)


def own(user: Any, model: Any, lookup: str = "person_id") -> QuerySet[Any]:
    """The rows of `model` that are the user's own (`lookup` leads from a row to its person):
    theirs alone; none for an anonymous or inactive user."""
    person_id = roles_for(user).person_id
    if person_id is None:
        queryset: QuerySet[Any] = model.objects.none()
    else:
        queryset = model.objects.filter(**{lookup: person_id})
    return queryset


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# Section-level capabilities ------------------------------------------------


def may_manage_org(user: Any) -> bool:
    """Create and edit units and people, give roles, import from payroll."""
    return roles_for(user).is_admin


def may_list_people(user: Any) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_hr or roles.is_leader


def may_list_units(user: Any) -> bool:
    roles = roles_for(user)
    return roles.is_admin or roles.is_hr


def require_local_development() -> None:
    """The developer's pages (the mail a laptop wrote to var/mail/) exist only under DEBUG:
    everywhere else they are not found, for everyone. E-mails carry no conversation content,
    but an administrator has no business reading other people's mail in production."""
    if not settings.DEBUG:
        raise Http404


def may_read_dev_mail(user: Any) -> bool:
    """On a laptop (DEBUG), the e-mails written to var/mail/: administrators only."""
    return settings.DEBUG and roles_for(user).is_admin
