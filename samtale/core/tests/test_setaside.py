"""Messages set aside (core.setaside): recorded once, counted every time, and counted in
/metrics by source and reason."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.core import setaside
from samtale.core.models import SetAsideMessage

from .test_metrics import scrape, token, value  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_a_message_set_aside_twice_is_one_row_counted_twice(caplog):
    caplog.set_level(logging.WARNING, logger="samtale.core.setaside")
    first = setaside.set_aside(
        source="fiks", key="m-1", reason=setaside.UNSIGNED, detail="no signature.p7s", size=12
    )
    again = setaside.set_aside(source="fiks", key="m-1", reason=setaside.UNSIGNED)
    assert (first, again) == (True, False)
    [row] = SetAsideMessage.objects.all()
    assert (row.source, row.key, row.reason, row.size, row.times) == (
        "fiks",
        "m-1",
        "unsigned",
        12,
        2,
    )
    assert "no signature.p7s" in caplog.text


def test_metrics_count_them_by_source_and_reason(token):  # noqa: F811
    assert value(scrape(token), "samtale_set_aside_messages", source="fiks") == 0
    for key in ("a", "b", "a"):
        setaside.set_aside(source="fiks", key=key, reason=setaside.UNSIGNED)
    setaside.set_aside(source="calendar_mail", key="x", reason=setaside.TOO_LARGE)
    samples = scrape(token)
    assert value(samples, "samtale_set_aside_messages", source="fiks", reason="unsigned") == 3
    assert value(samples, "samtale_set_aside_messages", source="calendar_mail") == 1
    assert setaside.reason_text("too_large")


def test_what_was_set_aside_is_forgotten_after_the_days_kept(settings):
    settings.SAMTALE_SET_ASIDE_KEEP_DAYS = 90
    for key in ("old", "new"):
        setaside.set_aside(source="fiks", key=key, reason=setaside.UNSIGNED)
    SetAsideMessage.objects.filter(key="old").update(at=timezone.now() - timedelta(days=91))
    assert setaside.set_aside_prune() == 1
    assert list(SetAsideMessage.objects.values_list("key", flat=True)) == ["new"]
