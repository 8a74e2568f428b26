"""Reads for the privacy pages, and the anonymous answer counts the insight figures add."""

from collections import Counter

from django.conf import settings

from samtale.core import access
from samtale.privacy.forms import hold_form
from samtale.privacy.models import RetainedLikert

HOLDS_SHOWN = 10  # on a person's page: the latest holds and copies, the rest on request


def add_retained_likert(raw: dict, year: int) -> dict:
    """Add the answers retention kept as counts (RetainedLikert) for one year into raw_likert's
    {statement: {unit: Counter}}, in its keys ("people", "3", "people@group", "3@group"), and
    return it. Nobody is among both: a person's answers are all live or all kept."""
    for unit_id, profession, key, people, *values in RetainedLikert.objects.filter(
        year=year
    ).values_list(
        "unit_id", "profession_group", "statement_key", "people", "n1", "n2", "n3", "n4", "n5"
    ):
        counts = raw.setdefault(key, {}).setdefault(unit_id or None, Counter())
        counts["people"] += people
        counts[f"people@{profession}"] += people
        for value, n in enumerate(values, start=1):
            if n:
                counts[str(value)] += n
                counts[f"{value}@{profession}"] += n
    return raw


def person_section(user, person) -> dict | None:
    """What HR sees of privacy on a person's page: the hold in force (or the form that sets
    one), the latest holds and copies made; None for everyone else."""
    if not access.may_set_legal_hold(user):
        return None
    holds = list(
        access.legal_holds_visible_to(user)
        .filter(person=person)
        .select_related("set_by", "released_by")[: HOLDS_SHOWN + 1]
    )
    copies = list(
        access.access_copies_visible_to(user)
        .filter(person=person)
        .select_related("made_by")[: HOLDS_SHOWN + 1]
    )
    return {
        "active": next((hold for hold in holds if hold.is_active), None),
        "holds": holds[:HOLDS_SHOWN],
        "more_holds": len(holds) > HOLDS_SHOWN,
        "copies": copies[:HOLDS_SHOWN],
        "more_copies": len(copies) > HOLDS_SHOWN,
        "may_export": access.may_export_for(user, person),
        "form": hold_form(),
    }


def policy() -> dict:
    """The retention policy as configured, for the page that says it in words."""
    return {
        "notes_months": settings.SAMTALE_RETAIN_NOTES_MONTHS,
        "leavers_years": settings.SAMTALE_RETAIN_LEAVERS_YEARS,
    }
