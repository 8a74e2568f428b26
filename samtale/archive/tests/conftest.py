import contextlib
from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.services import lifecycle, preparation
from samtale.conversations.tests import summary_steps as steps
from samtale.conversations.tests.conftest import THEMES
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import Person
from testkit.people import make_archivist

# Text that must never reach a PDF or a package: a preparation note and the summary itself.
NOTE_CANARY = "HEMMELIG-FORBEREDELSE-7731"
SUMMARY_CANARY = "PRIVAT-OPPSUMMERING-4410"


@pytest.fixture
def archivist(people):
    return make_archivist(people)


def version_made() -> GuideVersion:
    return GuideVersion.objects.create(
        guide=Guide.objects.create(),
        number=3,
        name={"nb": "Medarbeidersamtale", "nn": "Medarbeidarsamtale", "en": "Annual conversation"},
        themes=THEMES,
    )


@pytest.fixture
def version(db):
    return version_made()


def sign_between(people, version=None, *, language="nb", goal=True, capture=None):
    """A conversation signed by both of `people`, in whichever municipality is active: a
    goal and its action, a preparation note and a summary that must stay out of the form;
    the worker's rendering has run after commit (`capture`: pytest-django's
    django_capture_on_commit_callbacks, where the test's transaction holds the commit)."""
    version = version or version_made()
    employee, leader = people.employee, people.leader
    Person.objects.filter(pk=employee.pk).update(language=language)
    employee.refresh_from_db()
    conversation = lifecycle.conversation_plan(
        actor=leader,
        employee=employee,
        leader=leader,
        guide_version=version,
        scheduled_at=timezone.now() + timedelta(days=1),
        place="Møterom 2",
    )
    preparation.note_save(
        actor=employee,
        conversation=conversation,
        theme_key="motivasjon",
        text=NOTE_CANARY,
        base_version=0,
    )
    with capture(execute=True) if capture else contextlib.nullcontext():
        conversation = steps.held(conversation, people)
        if goal:
            steps.with_goal(conversation, people)
        conversation = steps.submitted(conversation, people, text=SUMMARY_CANARY)
        return steps.approve_and_sign(conversation, people)


@pytest.fixture
def sign(people, version, django_capture_on_commit_callbacks):
    """sign(language="nb") -> a conversation signed by both (sign_between)."""

    def make(*, language="nb", goal=True):
        return sign_between(
            people,
            version,
            language=language,
            goal=goal,
            capture=django_capture_on_commit_callbacks,
        )

    return make


@pytest.fixture
def folder(settings, tmp_path):
    """The drop-folder channel, into an empty folder of the test's own."""
    settings.SAMTALE_ARCHIVE_CHANNEL = "folder"
    settings.SAMTALE_ARCHIVE_FOLDER = str(tmp_path / "arkiv")
    (tmp_path / "arkiv").mkdir()
    return tmp_path / "arkiv"
