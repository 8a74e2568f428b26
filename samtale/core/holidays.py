"""Days off in Norway: Saturdays, Sundays and the public holidays (helligdager og
høytidsdager: lov om helligdager og helligdagsfred § 2, and 1 and 17 May by lov om 1. og
17. mai som høgtidsdagar). Easter by the Gregorian computus; the rest follow from it.

Planning by hand is not refused on such a day (a nursing home works every day), but the
pages that plan one say so, with the day's name (`day_off`); what the app offers or proposes
by itself (a round's timetable, a time to propose) is on a working day (`is_working_day`)."""

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from django.utils.translation import gettext_lazy as _


def easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 19 * l) // 433
    month = (h + l - 7 * m + 90) // 25
    return date(year, month, (h + l - 7 * m + 33 * month + 19) % 32)


@cache
def holidays(year: int) -> dict[date, tuple[Any, ...]]:
    """The public holidays of `year`, each with its name or names (translated when shown):
    Whit Monday falls on 17 May in some years."""
    sunday = easter(year)
    found: dict[date, tuple[Any, ...]] = {}
    for day, name in (
        (date(year, 1, 1), _("New Year's Day")),
        (sunday - timedelta(days=3), _("Maundy Thursday")),
        (sunday - timedelta(days=2), _("Good Friday")),
        (sunday, _("Easter Sunday")),
        (sunday + timedelta(days=1), _("Easter Monday")),
        (date(year, 5, 1), _("Labour Day")),
        (date(year, 5, 17), _("Constitution Day")),
        (sunday + timedelta(days=39), _("Ascension Day")),
        (sunday + timedelta(days=49), _("Whit Sunday")),
        (sunday + timedelta(days=50), _("Whit Monday")),
        (date(year, 12, 25), _("Christmas Day")),
        (date(year, 12, 26), _("Boxing Day")),
    ):
        found[day] = (*found.get(day, ()), name)
    return found


WEEKEND = {5: _("Saturday"), 6: _("Sunday")}


def day_off(day: date | datetime | None) -> str:
    """Why `day` is not a working day ("Sunday", "Constitution Day"), or "" when it is one
    (or is not a day). A datetime counts by its own date: give it in local time."""
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        return ""
    names = holidays(day.year).get(day) or (WEEKEND.get(day.weekday()),)
    return ", ".join(str(name) for name in names if name)


def is_working_day(day: date | datetime) -> bool:
    """Whether `day` is a working day in Norway: no Saturday, Sunday or public holiday. The
    one test for every page and assistant that offers or proposes a day (a datetime counts
    by its own date: give it in local time)."""
    return not day_off(day)


def working_day(day: date) -> date:
    """`day`, or the first working day after it."""
    while day_off(day):
        day += timedelta(days=1)
    return day
