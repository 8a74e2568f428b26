from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications import inbox
from samtale.notifications.inbox import Outcome


@pytest.fixture
def handled(monkeypatch):
    """The answers handed on, as (answer, sender); UIDs beginning `ours-` are taken."""
    seen = []

    def handler(*, answer, sender):
        if not answer.uid.startswith("ours-"):
            return None
        seen.append((answer, sender))
        return Outcome.APPLIED

    monkeypatch.setattr(inbox, "_handlers", [handler])
    return seen


@pytest.fixture
def send_invitation(people, django_capture_on_commit_callbacks):
    """send_invitation(place) -> the employee's conversation with the leader, on the built-in
    form with 8 themes ten days ahead at `place`, invited: the invitation and the leader's
    copy are sent."""

    def send(place: str):
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        form8 = Guide.objects.get(key="skjema-8-tema").versions.order_by("-number").first()
        assert form8 is not None
        conversation = lifecycle.conversation_plan(
            actor=people.leader,
            employee=people.employee,
            leader=people.leader,
            guide_version=form8,
            scheduled_at=timezone.now() + timedelta(days=10),
            place=place,
        )
        with django_capture_on_commit_callbacks(execute=True):
            lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
        return conversation

    return send
