"""Calling the API as the tests' fixed people: with a real token, or signed in."""

import json
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from samtale.api import tokens
from testkit.people import goals_version, signed_conversation

API = "/api/v1"


def token_for(person, scopes=("read", "write"), days=30) -> str:
    return tokens.issue(person=person, name="test", scopes=list(scopes), days=days).raw


class Api:
    """A client that sends `Authorization: Bearer <token>` (or nothing) and JSON bodies."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **query):
        return self.client.get(API + path, query, headers=self.headers)

    def patch(self, path, body, *, raw=False):
        data = body if raw else json.dumps(body)
        return self.client.patch(
            API + path, data, content_type="application/json", headers=self.headers
        )

    def post(self, path, body=None):
        return self.client.post(
            API + path,
            json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )


def api_as(person, scopes=("read", "write")) -> Api:
    return Api(token_for(person, scopes))


def signed_with_action(people, status="not_started"):
    """The employee's signed conversation with their leader and one followed action due in a
    week: where follow-up through the API starts."""
    deadline = timezone.localdate() + timedelta(days=7)
    conversation = signed_conversation(
        people.employee, people.leader, [(deadline, "employee", status)], version=goals_version()
    )
    return conversation, conversation.goals.get().actions.get()
