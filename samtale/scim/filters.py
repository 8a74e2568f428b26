"""A SCIM filter (RFC 7644 §3.4.2.2) as a Django query over people.

scim2-models parses the text; this module says which attributes Samtale can search
and translates each comparison to a condition on the Person columns, so a filter is
one query whatever the size of the organization. What it cannot translate is refused
with `invalidFilter`, never answered with everyone.
"""

from datetime import datetime

from django.db.models import Q
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import (
    CompareOperator,
    Comparison,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from samtale.scim.resources import ENTERPRISE, UserResource

# attribute path (lower case, extension attributes with their URN) -> (column, kind)
# kind "text": compared without regard to case; "lower": stored in lower case, so the value
# is lowered and compared exactly (as sign-in does: no database case folding, and the
# unique index answers); "exact": caseExact strings; "int", "bool", "time".
ATTRIBUTES = {
    "id": ("pk", "int"),
    "username": ("email", "lower"),
    "emails": ("email", "lower"),
    "emails.value": ("email", "lower"),
    "externalid": ("scim_external_id", "exact"),
    "name.givenname": ("first_name", "text"),
    "name.familyname": ("last_name", "text"),
    "title": ("job_title", "text"),
    "active": ("is_active", "bool"),
    "meta.created": ("created_at", "time"),
    "meta.lastmodified": ("updated_at", "time"),
    f"{ENTERPRISE}:employeenumber".lower(): ("employee_number", "exact"),
    f"{ENTERPRISE}:manager": ("manager_id", "int"),
    f"{ENTERPRISE}:manager.value".lower(): ("manager_id", "int"),
}
# A work address is the only one a person has: `emails[type eq "work"]` is every e-mail.
ALWAYS_TRUE = {("emails", "type"): "work", ("emails", "primary"): True}

TEXT_LOOKUPS = {
    CompareOperator.eq: "iexact",
    CompareOperator.co: "icontains",
    CompareOperator.sw: "istartswith",
    CompareOperator.ew: "iendswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}
EXACT_LOOKUPS = TEXT_LOOKUPS | {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
}
ORDER_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}
NOTHING = Q(pk__in=[])


def people_filter(text: str) -> Q:
    """The condition a filter's text stands for; InvalidFilterException if it is not one
    Samtale can answer."""
    try:
        node = ScimFilter[UserResource](text).ast
    except InvalidFilterException:
        raise
    except ValueError as e:
        raise InvalidFilterException(detail=f"Not a filter: {e}") from None
    return _q(node, prefix="")


def _name(attr_path, prefix: str) -> str:
    parts = [attr_path.attr, attr_path.sub_attr] if attr_path.sub_attr else [attr_path.attr]
    name = ".".join(p for p in [prefix, *parts] if p)
    if attr_path.uri:
        name = f"{attr_path.uri}:{name}"
    return name.lower()


def _column(attr_path, prefix: str) -> tuple[str, str]:
    name = _name(attr_path, prefix)
    if name not in ATTRIBUTES:
        raise InvalidFilterException(detail=f"Samtale cannot filter on '{name}'.")
    return ATTRIBUTES[name]


def _value(value, kind: str, name: str):
    try:
        if kind == "int":
            return int(value)
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if kind == "time":
            return datetime.fromisoformat(str(value))
        if not isinstance(value, str):
            raise ValueError
        return value
    except (TypeError, ValueError):
        raise InvalidFilterException(detail=f"{value!r} is not a value of '{name}'.") from None


def _comparison(node: Comparison, prefix: str) -> Q:
    owner = (
        (prefix or node.attr_path.attr).lower(),
        (node.attr_path.attr if prefix else node.attr_path.sub_attr or "").lower(),
    )
    if owner in ALWAYS_TRUE and node.op == CompareOperator.eq:
        return Q() if node.value == ALWAYS_TRUE[owner] else NOTHING
    column, kind = _column(node.attr_path, prefix)
    if node.value is None:
        # `eq null` is "has no value" (RFC 7644 §3.4.2.2).
        if node.op not in (CompareOperator.eq, CompareOperator.ne):
            raise InvalidFilterException(detail="Only eq and ne compare with null.")
        empty = Q(**{f"{column}__isnull": True})
        if kind in ("text", "lower", "exact"):
            empty |= Q(**{column: ""})
        return empty if node.op == CompareOperator.eq else ~empty
    if node.op == CompareOperator.ne:
        return ~_comparison(Comparison(node.attr_path, CompareOperator.eq, node.value), prefix)
    if kind == "int" and not (str(node.value).isascii() and str(node.value).isdigit()):
        return NOTHING  # an id Samtale never gave out
    value = _value(node.value, kind, column)
    if kind == "lower":
        value = value.lower()
    lookups = {"text": TEXT_LOOKUPS, "exact": EXACT_LOOKUPS, "lower": EXACT_LOOKUPS}.get(
        kind, ORDER_LOOKUPS
    )
    if node.op not in lookups:
        raise InvalidFilterException(detail=f"'{node.op}' does not compare '{column}'.")
    return Q(**{f"{column}__{lookups[node.op]}": value})


def _q(node, prefix: str) -> Q:
    if isinstance(node, Comparison):
        return _comparison(node, prefix)
    if isinstance(node, Present):
        column, kind = _column(node.attr_path, prefix)
        present = Q(**{f"{column}__isnull": False})
        return present & ~Q(**{column: ""}) if kind in ("text", "lower", "exact") else present
    if isinstance(node, Not):
        return ~_q(node.expr, prefix)
    if isinstance(node, LogicalExpr):
        terms = [_q(term, prefix) for term in node.terms]
        combined = terms[0]
        for term in terms[1:]:
            combined = combined & term if node.op == LogicalOperator.and_ else combined | term
        return combined
    if isinstance(node, ValuePath) and not prefix:
        inner = _name(node.attr_path, "")
        return _q(node.val_filter, inner)
    raise InvalidFilterException(detail="Samtale cannot answer this filter.")
