from datetime import date, timedelta

import pytest
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
from samtale.guides.models import Guide, GuideVersion


@pytest.fixture
def version(db):
    return GuideVersion.objects.create(
        guide=Guide.objects.create(),
        number=1,
        name={"nb": "Mal"},
        themes=[{"key": "mal", "title": {"nb": "Mål"}, "goals": True}],
    )


@pytest.fixture
def signed(version):
    """make(employee, leader, actions=[(deadline, responsible, status), ...]) -> a signed conversation."""

    def make(employee, leader, actions=(), *, held_days_ago=30):
        held = timezone.now() - timedelta(days=held_days_ago)
        conversation = Conversation.objects.create(
            employee=employee,
            leader=leader,
            guide_version=version,
            status=Conversation.Status.SIGNED,
            scheduled_at=held,
            held_at=held,
            signed_at=held + timedelta(days=2),
        )
        goal = Goal.objects.create(conversation=conversation, text="Bli trygg i fagsystemet")
        for n, (deadline, responsible, status) in enumerate(actions):
            Action.objects.create(
                goal=goal,
                order=n,
                employee=employee,
                leader=leader,
                followed=True,
                text=f"Tiltak {n} for {employee.first_name}",
                deadline=deadline,
                responsible=responsible,
                status=status,
            )
        return conversation

    return make


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)
