from django import template

register = template.Library()

BADGES = {
    "signed": "ok",
    "summary_agreed": "ok",
    "prepared": "ok",
    "done": "ok",
    "postponed": "warn",
    "in_progress": "warn",
    "cancelled": "bad",
    "dropped": "bad",
}


@register.filter
def badge(status: str) -> str:
    """The badge colour for a status."""
    return BADGES.get(status, "")


@register.filter
def isodate(value: str | None):
    """A date stored as text (2026-11-22) back to a date, so |date formats it."""
    from datetime import date

    return date.fromisoformat(value) if value else None


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None
