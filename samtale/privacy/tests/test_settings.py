"""The retention policy's settings: what makes no sense is an error of the checks."""

import pytest

from samtale.core.tests.test_settings import LOAD, PRODUCTION, _checked, _run


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SAMTALE_RETAIN_NOTES_MONTHS", "0", "must be between 1 and 600, not 0"),
        ("SAMTALE_RETAIN_NOTES_MONTHS", "-12", "must be between 1 and 600, not -12"),
        ("SAMTALE_RETAIN_NOTES_MONTHS", "tolv", "must be a whole number, not 'tolv'"),
        ("SAMTALE_RETAIN_LEAVERS_YEARS", "0", "must be between 1 and 50, not 0"),
        ("SAMTALE_RETAIN_LEAVERS_YEARS", "3.5", "must be a whole number, not '3.5'"),
    ],
)
def test_a_retention_setting_that_makes_no_sense_is_an_error_of_the_checks(name, value, message):
    said = _checked(**{name: value})
    assert f"{name} {message}" in said


def test_sensible_retention_settings_start():
    code = (
        LOAD
        + "; print(settings.SAMTALE_RETAIN_NOTES_MONTHS, settings.SAMTALE_RETAIN_LEAVERS_YEARS)"
    )
    result = _run(
        code, **PRODUCTION, SAMTALE_RETAIN_NOTES_MONTHS="6", SAMTALE_RETAIN_LEAVERS_YEARS="5"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["6", "5"]
    assert _run(code, **PRODUCTION).stdout.split()[-2:] == ["12", "3"]
