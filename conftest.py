import pytest
from django.test import Client

from samtale.core.testing import make_people


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def client_for(people):
    """client_for("leader") -> a test client signed in as that fixed person (or anonymous)."""

    def make(role: str) -> Client:
        client = Client()
        person = people.by_role(role)
        if person is not None:
            client.force_login(person)
        return client

    return make


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; the app sends to it. Yields its inbox."""
    from samtale.notifications.testing import smtp_server

    with smtp_server() as (inbox, mailers):
        settings.MAILERS = mailers
        yield inbox
