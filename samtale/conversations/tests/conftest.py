from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.guides.models import Guide, GuideVersion

THEMES = [
    {
        "key": "motivasjon",
        "title": {"nb": "Motivasjon", "en": "Motivation"},
        "prompts": [{"nb": "I hvilken grad er arbeidsoppgavene dine spennende?"}],
        "statements": [
            {
                "key": "s-styrker",
                "group": {"nb": "Individuelt"},
                "text": {"nb": "Jeg bruker styrkene mine"},
            },
            {
                "key": "s-karriere",
                "group": {"nb": "Individuelt"},
                "text": {"nb": "Jeg har en karrierevei"},
            },
        ],
    },
    {"key": "prioriterte-mal", "title": {"nb": "Prioriterte mål"}, "leader_only": True},
    {"key": "mal-og-tiltak", "title": {"nb": "Mål og tiltak"}, "goals": True},
]


@pytest.fixture
def guide_version(db):
    guide = Guide.objects.create()
    return GuideVersion.objects.create(
        guide=guide, number=1, name={"nb": "Testmal"}, themes=THEMES, duration_minutes=90
    )


@pytest.fixture
def soon():
    return timezone.now() + timedelta(days=10)


@pytest.fixture
def conversation(people, guide_version, soon):
    return lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=guide_version,
        scheduled_at=soon,
        place="Møterom 2",
    )
