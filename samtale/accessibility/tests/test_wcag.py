"""The WCAG criteria list (accessibility.wcag): 50 of WCAG 2.1 and 6 new in 2.2, in WCAG's order,
named in three languages, and the 48 the Norwegian regulation requires."""

import pytest
from django.utils import translation

from samtale.accessibility import wcag


def _key(number):
    return tuple(int(part) for part in number.split("."))


def test_fifty_of_wcag_21_and_six_new_in_22():
    since = [c.since for c in wcag.CRITERIA]
    assert sum(s in ("2.0", "2.1") for s in since) == 50
    assert sum(s == "2.0" for s in since) == 38
    assert [c.number for c in wcag.CRITERIA if c.since == "2.2"] == [
        "2.4.11", "2.5.7", "2.5.8", "3.2.6", "3.3.7", "3.3.8",
    ]  # fmt: skip
    assert set(since) == {"2.0", "2.1", "2.2"}
    assert {c.level for c in wcag.CRITERIA} == {"A", "AA"}


def test_numbers_are_unique_and_in_wcag_order():
    numbers = [c.number for c in wcag.CRITERIA]
    assert len(set(numbers)) == len(numbers) == 56
    assert numbers == sorted(numbers, key=_key)
    assert numbers.index("1.4.10") == numbers.index("1.4.5") + 1


def test_every_name_is_given_in_english_bokmal_and_nynorsk():
    for criterion in wcag.CRITERIA:
        assert set(criterion.names) == {"en", "nb", "nn"}, criterion.number
        assert all(name.strip() for name in criterion.names.values()), criterion.number


def test_norway_requires_48_of_wcag_21():
    required = [c.number for c in wcag.CRITERIA if c.norway]
    assert len(required) == 48
    assert {c.number for c in wcag.CRITERIA if c.since != "2.2" and not c.norway} == {
        "1.2.3",
        "1.2.4",
    }
    assert wcag.by_number("1.2.5").norway  # audio description, from 1 February 2024
    assert not any(c.norway for c in wcag.CRITERIA if c.since == "2.2")


def test_only_parsing_is_obsolete_in_22():
    assert [c.number for c in wcag.CRITERIA if c.obsolete_in_22] == ["4.1.1"]


def test_by_number():
    assert wcag.by_number("1.4.10").level == "AA"
    assert wcag.by_number("1.4.10").since == "2.1"
    assert wcag.by_number("3.3.7").level == "A"
    with pytest.raises(KeyError):
        wcag.by_number("2.5.5")  # AAA, not listed


def test_name_follows_the_active_language():
    criterion = wcag.by_number("4.1.2")
    with translation.override("nn"):
        assert criterion.name == "Namn, rolle, verdi"
    with translation.override("nb"):
        assert criterion.name == "Navn, rolle, verdi"
    with translation.override("en"):
        assert criterion.name == "Name, Role, Value"
    with translation.override("nn"):
        assert wcag.by_number("1.4.3").name == "Kontrast (minimum)"
        assert wcag.by_number("4.1.3").name == "Statusmeldingar"
