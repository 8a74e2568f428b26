from datetime import date, timedelta
from functools import partial

import pytest
from django.utils import timezone

from testkit.people import goals_version, signed_conversation


@pytest.fixture
def version(db):
    return goals_version()


@pytest.fixture
def signed(version):
    """make(employee, leader, actions=[(deadline, responsible, status), ...]) -> a signed conversation."""
    return partial(signed_conversation, version=version)


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)
