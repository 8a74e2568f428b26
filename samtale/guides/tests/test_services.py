import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from samtale.core.errors import DomainError
from samtale.core.models import AuditEntry
from samtale.guides import selectors, services
from samtale.guides.models import Guide, GuideVersion


def _theme(title="Motivasjon", **extra):
    return {
        "key": "",
        "title": title,
        "help": "",
        "prompts": ["Hva gir deg energi?"],
        "statements": [],
        "goals": False,
        "leader_only": False,
    } | extra


def _fields(**extra):
    return {
        "name": "Samtale for nyansatte",
        "description": "Etter seks måneder.",
        "kind": "annual",
        "summary_author": "employee",
        "duration_minutes": 60,
        "themes": [_theme(), _theme("Mål og tiltak", goals=True, prompts=[])],
    } | extra


def _editable(version: GuideVersion) -> dict:
    """The version as the edit form gives it back, unchanged, in bokmål."""
    return {
        "name": version.name["nb"],
        "description": version.description.get("nb", ""),
        "kind": version.kind,
        "summary_author": version.summary_author,
        "duration_minutes": version.duration_minutes,
        "themes": [
            {
                "key": t["key"],
                "title": t["title"]["nb"],
                "help": t["help"].get("nb", ""),
                "prompts": [p["nb"] for p in t["prompts"]],
                "statements": [
                    {"group": s["group"].get("nb", ""), "text": s["text"]["nb"]}
                    for s in t["statements"]
                ],
                "goals": t["goals"],
                "leader_only": t["leader_only"],
            }
            for t in version.themes
        ],
    }


@pytest.fixture
def in_use(monkeypatch):
    """Mark versions as used by a conversation without needing one."""
    used: set[int] = set()
    monkeypatch.setattr(selectors, "version_in_use", lambda version: version.pk in used)
    return used


def test_hr_creates_a_template_with_version_1_in_their_language(people):
    with translation.override("nb"):
        guide = services.guide_create(actor=people.hr, **_fields())
    version = selectors.current_version(guide)
    assert version.number == 1
    assert version.name == {"nb": "Samtale for nyansatte"}
    assert [t["key"] for t in version.themes] == ["motivasjon", "mal-og-tiltak"]
    assert version.themes[0]["prompts"] == [{"nb": "Hva gir deg energi?"}]
    assert version.goals_theme()["key"] == "mal-og-tiltak"
    assert guide.created_by == people.hr and guide.key is None


def test_texts_written_in_nynorsk_are_stored_as_nynorsk(people):
    with translation.override("nn"):
        guide = services.guide_create(actor=people.admin, **_fields(name="Samtale for nytilsette"))
    assert selectors.current_version(guide).name == {"nn": "Samtale for nytilsette"}


def test_new_themes_with_the_same_title_get_different_keys(people):
    themes = [_theme("Mål"), _theme("Mål"), _theme("???")]
    guide = services.guide_create(actor=people.hr, **_fields(themes=themes))
    assert [t["key"] for t in selectors.current_version(guide).themes] == ["mal", "mal-2", "tema"]


def test_a_copy_is_a_new_template_named_copy_of_in_each_language(people, builtins):
    source = builtins["skjema-8-tema"]
    copy = services.guide_copy(actor=people.hr, guide=source)
    original, copied = selectors.current_version(source), selectors.current_version(copy)
    assert copy.pk != source.pk and copy.key is None
    assert copied.number == 1
    assert copied.name == {
        "nb": "Kopi av Medarbeidersamtale – skjema med 8 tema",
        "nn": "Kopi av Medarbeidarsamtale – skjema med 8 tema",
        "en": "Copy of Employee conversation – form with 8 themes",
    }
    assert copied.themes == original.themes
    assert (copied.kind, copied.duration_minutes) == (original.kind, original.duration_minutes)


def test_editing_an_unused_version_edits_it_in_place(people, builtins, in_use):
    guide = builtins["innsjekk"]
    version = selectors.current_version(guide)
    values = _editable(version) | {"duration_minutes": 20}
    saved = services.guide_update(actor=people.hr, guide=guide, **values)
    assert saved.pk == version.pk and saved.number == 1
    assert guide.versions.count() == 1
    assert GuideVersion.objects.get(pk=version.pk).duration_minutes == 20


def test_editing_a_used_version_makes_a_new_version_and_leaves_the_used_one_alone(
    people, builtins, in_use
):
    guide = builtins["skjema-8-tema"]
    used = selectors.current_version(guide)
    in_use.add(used.pk)
    before = GuideVersion.objects.values().get(pk=used.pk)
    values = _editable(used)
    values["themes"][0]["title"] = "Motivasjon og energi"
    saved = services.guide_update(actor=people.hr, guide=guide, **values)
    assert saved.number == 2 and saved.pk != used.pk
    assert selectors.current_version(guide).pk == saved.pk
    assert GuideVersion.objects.values().get(pk=used.pk) == before
    assert saved.themes[0]["title"] == {"nb": "Motivasjon og energi"}
    assert saved.themes[0]["key"] == "motivasjon"


def test_unchanged_texts_keep_their_nynorsk_and_english(people, builtins, in_use):
    guide = builtins["skjema-8-tema"]
    version = selectors.current_version(guide)
    values = _editable(version)
    values["themes"][0]["title"] = "Motivasjon og energi"
    with translation.override("nb"):
        saved = services.guide_update(actor=people.hr, guide=guide, **values)
    assert saved.name == version.name
    assert saved.themes[1] == version.themes[1]
    assert saved.themes[0]["prompts"] == version.themes[0]["prompts"]


def test_saving_without_changes_changes_nothing(people, builtins, in_use):
    guide = builtins["grunnmal"]
    version = selectors.current_version(guide)
    in_use.add(version.pk)
    saved = services.guide_update(actor=people.hr, guide=guide, **_editable(version))
    assert saved.pk == version.pk
    assert guide.versions.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="guide.").exists()


def test_statement_keys_stay_while_the_text_stays(people, builtins, in_use):
    guide = builtins["grunnmal"]
    version = selectors.current_version(guide)
    in_use.add(version.pk)
    values = _editable(version)
    statements = values["themes"][4]["statements"]
    statements[1]["text"] = "Jeg ser en tydelig vei videre i organisasjonen"
    statements.reverse()  # moved, not changed
    statements.append({"group": "Ny gruppe", "text": "Jeg trives på jobb"})
    saved = services.guide_update(actor=people.hr, guide=guide, **values)
    keys = {s["text"]["nb"]: s["key"] for s in saved.statements()}
    assert keys["Jeg får mulighet til å bruke styrkene mine hver dag"] == "grunnmal-individ-1"
    assert keys["Organisasjonen er godt forberedt på fremtidige endringer i bransjen"] == (
        "grunnmal-org-2"
    )
    assert keys["Jeg ser en tydelig vei videre i organisasjonen"].startswith("s-")
    assert keys["Jeg trives på jobb"].startswith("s-")
    assert "grunnmal-individ-2" not in keys.values()
    assert len(set(keys.values())) == 9
    # The unchanged statement keeps its nynorsk and English.
    first = next(s for s in saved.statements() if s["key"] == "grunnmal-individ-1")
    assert first["text"]["en"] == "I get the opportunity to use my strengths every day"


def test_a_statement_removed_and_added_again_gets_its_old_key_back(people, builtins, in_use):
    guide = builtins["innsjekk"]
    first = selectors.current_version(guide)
    in_use.add(first.pk)
    values = _editable(first)
    removed = values["themes"][1]["statements"].pop()
    second = services.guide_update(actor=people.hr, guide=guide, **values)
    in_use.add(second.pk)
    values["themes"][1]["statements"].append(removed)
    third = services.guide_update(actor=people.hr, guide=guide, **values)
    assert third.number == 3
    assert [s["key"] for s in third.statements()] == ["innsjekk-1", "innsjekk-2", "innsjekk-3"]


def test_existing_themes_keep_their_keys_and_new_ones_get_new_keys(people, builtins, in_use):
    guide = builtins["innsjekk"]
    values = _editable(selectors.current_version(guide))
    values["themes"].insert(0, _theme("Siden sist"))  # same title as an existing theme
    values["themes"][1]["title"] = "Tilbakeblikk"
    saved = services.guide_update(actor=people.hr, guide=guide, **values)
    assert [t["key"] for t in saved.themes] == [
        "siden-sist-2",
        "siden-sist",
        "akkurat-na",
        "neste-steg",
    ]


def test_a_theme_key_sent_twice_makes_the_second_a_new_theme(people, builtins):
    guide = builtins["innsjekk"]
    values = _editable(selectors.current_version(guide))
    values["themes"][1]["key"] = "siden-sist"
    saved = services.guide_update(actor=people.hr, guide=guide, **values)
    assert [t["key"] for t in saved.themes] == ["siden-sist", "akkurat-na", "neste-steg"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"themes": []}, "themes"),
        ({"themes": [_theme(""), _theme()]}, "themes.0.title"),
        ({"themes": [_theme(goals=True), _theme("Tiltak", goals=True)]}, "themes.1.goals"),
        ({"themes": [_theme(statements=[{"group": "", "text": " "}])]}, "themes.0.statements"),
        (
            {"themes": [_theme(statements=[{"group": "", "text": "Bra"}] * 2)]},
            "themes.0.statements",
        ),
        ({"duration_minutes": 9}, "duration_minutes"),
        ({"duration_minutes": 241}, "duration_minutes"),
        ({"kind": "weekly"}, "kind"),
        ({"summary_author": "hr"}, "summary_author"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(people, builtins, change, field):
    guide = builtins["grunnmal"]
    before = list(GuideVersion.objects.values())
    guides_before = Guide.objects.count()
    with pytest.raises(DomainError) as refused:
        services.guide_create(actor=people.hr, **_fields(**change))
    assert refused.value.field == field
    with pytest.raises(DomainError):
        services.guide_update(actor=people.hr, guide=guide, **_fields(**change))
    assert list(GuideVersion.objects.values()) == before
    assert Guide.objects.count() == guides_before
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "role", ["employee", "other_employee", "leader", "other_leader", "leaders_leader"]
)
def test_only_hr_and_administrators_change_templates(people, builtins, role):
    actor = getattr(people, role)
    guide = builtins["grunnmal"]
    with pytest.raises(PermissionDenied):
        services.guide_create(actor=actor, **_fields())
    with pytest.raises(PermissionDenied):
        services.guide_copy(actor=actor, guide=guide)
    with pytest.raises(PermissionDenied):
        services.guide_update(actor=actor, guide=guide, **_fields())
    with pytest.raises(PermissionDenied):
        services.guide_retire(actor=actor, guide=guide)
    with pytest.raises(PermissionDenied):
        services.guide_restore(actor=actor, guide=guide)
    assert Guide.objects.count() == 3


def test_a_retired_template_leaves_planning_and_can_be_restored(people, builtins):
    guide = builtins["innsjekk"]
    services.guide_retire(actor=people.admin, guide=guide)
    planning = selectors.guides_for_planning(guides=Guide.objects.all())
    assert guide.pk not in {g.pk for g in planning}
    with pytest.raises(DomainError):
        services.guide_retire(actor=people.admin, guide=guide)
    services.guide_restore(actor=people.admin, guide=guide)
    assert guide.pk in {g.pk for g in selectors.guides_for_planning(guides=Guide.objects.all())}
    with pytest.raises(DomainError):
        services.guide_restore(actor=people.admin, guide=guide)


def test_every_change_is_audited_by_whom_and_which_version(people, builtins, in_use):
    guide = services.guide_create(actor=people.hr, **_fields())
    services.guide_update(actor=people.hr, guide=guide, **_fields(duration_minutes=45))
    in_use.add(selectors.current_version(guide).pk)
    services.guide_update(actor=people.hr, guide=guide, **_fields(duration_minutes=50))
    copy = services.guide_copy(actor=people.admin, guide=guide)
    services.guide_retire(actor=people.hr, guide=guide)
    services.guide_restore(actor=people.hr, guide=guide)
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "object_id", "data"))
    assert entries == [
        ("guide.create", str(guide.pk), {"version": 1}),
        ("guide.update", str(guide.pk), {"version": 1, "fields": ["duration_minutes"]}),
        ("guide.version", str(guide.pk), {"version": 2, "fields": ["duration_minutes"]}),
        ("guide.copy", str(copy.pk), {"source": guide.pk, "source_version": 2}),
        ("guide.retire", str(guide.pk), {}),
        ("guide.restore", str(guide.pk), {}),
    ]
    assert AuditEntry.objects.filter(actor=people.admin).count() == 1


def test_a_theme_about_the_leader_keeps_its_mark_through_an_edit(people):
    statements = [{"group": "Ledelse", "text": "Lederen min gir meg støtte"}]
    themes = [_theme("Ledelse", statements=statements, about_leader=True)]
    with translation.override("nb"):
        guide = services.guide_create(actor=people.hr, **_fields(themes=themes))
        version = selectors.current_version(guide)
        assert version.leadership_keys() == {version.themes[0]["statements"][0]["key"]}
        edited = _editable(version)
        edited["themes"][0]["about_leader"] = True
        edited["description"] = "Endret"
        services.guide_update(actor=people.hr, guide=guide, **edited)
    again = selectors.current_version(guide)
    assert again.leadership_keys() == version.leadership_keys()
    assert again.description == {"nb": "Endret"}


def test_a_theme_about_the_leader_needs_statements(people):
    with pytest.raises(DomainError) as error, translation.override("nb"):
        services.guide_create(
            actor=people.hr, **_fields(themes=[_theme("Ledelse", about_leader=True)])
        )
    assert error.value.field == "themes.0.statements"
