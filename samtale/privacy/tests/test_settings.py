"""The retention policy's settings refuse what makes no sense, as the app starts."""

import pytest

from samtale.core.tests.test_settings import LOAD, PRODUCTION, _run


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SAMTALE_RETAIN_NOTES_MONTHS", "0", "between 1 and 600"),
        ("SAMTALE_RETAIN_NOTES_MONTHS", "-12", "between 1 and 600"),
        ("SAMTALE_RETAIN_NOTES_MONTHS", "tolv", "must be a whole number, not 'tolv'"),
        ("SAMTALE_RETAIN_LEAVERS_YEARS", "0", "between 1 and 50"),
        ("SAMTALE_RETAIN_LEAVERS_YEARS", "3.5", "must be a whole number, not '3.5'"),
    ],
)
def test_a_retention_setting_that_makes_no_sense_stops_the_start(name, value, message):
    result = _run(LOAD, **PRODUCTION, **{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{name} " in result.stderr
    assert message in result.stderr


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
