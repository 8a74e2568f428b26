from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATES = {
    "missing": (_("No conversation"), "danger"),
    "planned": (_("Planned"), "neutral"),
    "invited": (_("Invited or prepared"), "info"),
    "held": (_("Held"), "success"),
    "signed": (_("Signed"), "success"),
    "postponed": (_("Postponed"), "warning"),
    "removed": (_("Removed"), "neutral"),
}
COVERAGE = {
    "overdue": (_("Missing"), "danger"),
    "close": (_("Close to the limit"), "warning"),
    "ok": (_("Within the limit"), "success"),
}


@register.filter
def state_label(state: str) -> str | Promise:
    """A participant's state in the round's words."""
    return STATES.get(state, (state, ""))[0]


@register.filter
def state_badge(state: str) -> str:
    return STATES.get(state, ("", "neutral"))[1]


@register.filter
def coverage_label(status: str) -> str | Promise:
    return COVERAGE.get(status, (status, ""))[0]


@register.filter
def coverage_badge(status: str) -> str:
    return COVERAGE.get(status, ("", "neutral"))[1]


@register.filter
def percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0
