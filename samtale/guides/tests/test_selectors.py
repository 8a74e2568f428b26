from django.db import connection
from django.test.utils import CaptureQueriesContext

from samtale.guides import selectors, services
from samtale.guides.models import Guide


def test_planning_lists_active_guides_with_their_newest_version_in_one_query(
    people, builtins, monkeypatch
):
    monkeypatch.setattr(selectors, "version_in_use", lambda version: True)
    grunnmal = builtins["grunnmal"]
    version = selectors.current_version(grunnmal)
    services.guide_update(
        actor=people.hr,
        guide=grunnmal,
        name="Grunnmal, ny",
        description="",
        kind=version.kind,
        summary_author=version.summary_author,
        duration_minutes=version.duration_minutes,
        themes=[{"title": "Styrker"}],
    )
    services.guide_retire(actor=people.hr, guide=builtins["innsjekk"])
    with CaptureQueriesContext(connection) as queries:
        guides = list(selectors.guides_for_planning(guides=Guide.objects.all()))
        current = {g.key: selectors.current_version(g) for g in guides}
    assert len(queries) == 1
    assert set(current) == {"skjema-8-tema", "grunnmal"}
    assert current["grunnmal"].number == 2
    assert current["grunnmal"].display_name == "Grunnmal, ny"


def test_the_current_version_is_the_newest(builtins):
    guide = builtins["innsjekk"]
    guide.versions.create(number=2, name={"nb": "Innsjekk 2"}, themes=[])
    assert selectors.current_version(Guide.objects.get(pk=guide.pk)).number == 2


def test_a_version_no_conversation_uses_is_not_in_use(builtins):
    version = selectors.current_version(builtins["grunnmal"])
    assert selectors.version_in_use(version) is False
    assert selectors.version_usage(guide=builtins["grunnmal"]) == {}


def test_without_the_conversations_model_nothing_is_in_use(builtins, monkeypatch):
    monkeypatch.setattr(selectors, "_users", None)
    version = selectors.current_version(builtins["grunnmal"])
    assert selectors.version_in_use(version) is False
    assert selectors.version_usage(guide=builtins["grunnmal"]) == {}
