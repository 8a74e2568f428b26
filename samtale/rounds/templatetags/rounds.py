from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATES = {
    "missing": (_("Missing"), "bad"),
    "planned": (_("Planned"), ""),
    "invited": (_("Invited"), ""),
    "held": (_("Held"), "ok"),
    "signed": (_("Signed"), "ok"),
    "postponed": (_("Postponed"), "warn"),
    "removed": (_("Removed"), ""),
}
COVERAGE = {
    "overdue": (_("Missing"), "bad"),
    "close": (_("Close to the limit"), "warn"),
    "ok": (_("Within the limit"), "ok"),
}


@register.filter
def state_label(state: str) -> str:
    """A participant's state in the round's words."""
    return STATES.get(state, (state, ""))[0]


@register.filter
def state_badge(state: str) -> str:
    return STATES.get(state, ("", ""))[1]


@register.filter
def coverage_label(status: str) -> str:
    return COVERAGE.get(status, (status, ""))[0]


@register.filter
def coverage_badge(status: str) -> str:
    return COVERAGE.get(status, ("", ""))[1]


@register.filter
def percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0
