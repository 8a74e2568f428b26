"""Days off in Norway (core.holidays): weekends and the public holidays, Easter by its
computus, checked against the years' calendars."""

from datetime import date, datetime

import pytest

from samtale.core import holidays


@pytest.mark.parametrize(
    ("year", "sunday"),
    [(2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
     (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)  # fmt: skip
def test_easter_is_the_gregorian_one(year, sunday):
    assert holidays.easter(year) == sunday


def test_the_twelve_holidays_of_2027():
    assert sorted(holidays.holidays(2027)) == [
        date(2027, 1, 1),
        date(2027, 3, 25),  # Maundy Thursday
        date(2027, 3, 26),
        date(2027, 3, 28),
        date(2027, 3, 29),
        date(2027, 5, 1),
        date(2027, 5, 6),  # Ascension Day
        date(2027, 5, 16),  # Whit Sunday
        date(2027, 5, 17),  # Constitution Day and Whit Monday at once
        date(2027, 12, 25),
        date(2027, 12, 26),
    ]


def test_a_day_off_says_why_and_a_working_day_nothing(settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"):
        assert holidays.day_off(date(2026, 5, 17)) == "Constitution Day"
        assert holidays.day_off(date(2027, 5, 17)) == "Constitution Day, Whit Monday"
        assert holidays.day_off(date(2026, 11, 29)) == "Sunday"
        assert holidays.day_off(datetime(2026, 11, 28, 10, 0)) == "Saturday"
        assert holidays.day_off(date(2026, 11, 30)) == ""
        assert holidays.day_off(None) == ""
    with translation.override("nb"):
        assert holidays.day_off(date(2026, 12, 25)) == "1. juledag"


def test_the_working_day_is_the_day_itself_or_the_next_one_that_is():
    assert holidays.working_day(date(2026, 11, 30)) == date(2026, 11, 30)
    assert holidays.working_day(date(2026, 12, 24)) == date(2026, 12, 24)  # not a holiday
    assert holidays.working_day(date(2026, 12, 25)) == date(2026, 12, 28)
