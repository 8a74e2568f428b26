"""The API tests call it as every role with keys of their own: of an organization that
lets everyone use the API (the root conftest's keys_for_everyone). test_who_may_use_keys.py
tests the organization that does not, the default."""

import pytest


@pytest.fixture(autouse=True)
def _keys(keys_for_everyone):
    pass
