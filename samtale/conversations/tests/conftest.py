from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.tasks import calendar_mailbox_read

from .planning import NOW

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


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a service and send what it queued, as the worker would after the commit."""

    def call(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return call


@pytest.fixture
def invited(conversation, people, run, smtp):
    run(lifecycle.conversation_invite, actor=people.leader, conversation=conversation)
    return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def clock():
    """The planning tests' clock (planning.NOW), standing still; a module asks for it with
    `pytestmark = pytest.mark.usefixtures("clock")`."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def read(run):
    """Run the worker's periodic read of the calendar mailbox once; how many it read."""
    return lambda: run(calendar_mailbox_read.call)
