from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from samtale.guides.builtin import BUILTINS, builtin_ensure
from samtale.guides.models import Guide, GuideVersion

KEYS = {"skjema-8-tema", "grunnmal", "innsjekk"}
LANGUAGES = {"nb", "nn", "en"}


def _version(key: str) -> GuideVersion:
    return GuideVersion.objects.get(guide__key=key, number=1)


def _texts(builtin: dict):
    """Every stored text of a built-in, with where it is, for the language check."""
    yield "name", builtin["name"]
    yield "description", builtin["description"]
    for theme in builtin["themes"]:
        yield f"{theme['key']}.title", theme["title"]
        if theme["help"]:
            yield f"{theme['key']}.help", theme["help"]
        for n, prompt in enumerate(theme["prompts"]):
            yield f"{theme['key']}.prompt{n}", prompt
        for statement in theme["statements"]:
            yield f"{statement['key']}.text", statement["text"]
            yield f"{statement['key']}.group", statement["group"]


def test_the_migration_creates_the_three_built_in_templates_with_historical_models(db):
    Guide.objects.all().delete()
    migration = import_module("samtale.guides.migrations.0002_builtin")
    state = MigrationLoader(connection).project_state(("guides", "0002_builtin"))
    migration.create_builtins(state.apps, None)
    assert set(Guide.objects.values_list("key", flat=True)) == KEYS
    assert GuideVersion.objects.filter(number=1).count() == 3


def test_a_migrated_database_has_the_three_built_in_templates(builtins):
    assert set(builtins) == KEYS
    assert all(guide.versions.count() == 1 for guide in builtins.values())


def test_ensuring_twice_changes_nothing(builtins):
    before = list(GuideVersion.objects.values_list("pk", "guide_id", "number"))
    assert builtin_ensure(Guide=Guide, GuideVersion=GuideVersion) == []
    assert list(GuideVersion.objects.values_list("pk", "guide_id", "number")) == before


def test_ensuring_leaves_an_edited_or_retired_built_in_alone(builtins):
    version = _version("innsjekk")
    version.duration_minutes = 15
    version.save()
    Guide.objects.filter(key="grunnmal").update(retired_at="2026-01-01T00:00:00Z")
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    assert _version("innsjekk").duration_minutes == 15
    assert Guide.objects.get(key="grunnmal").retired_at is not None


def test_the_8_theme_form_has_its_themes_in_the_order_of_the_form(builtins):
    version = _version("skjema-8-tema")
    titles = [theme["title"]["nb"] for theme in version.themes]
    assert titles == [
        "Motivasjon",
        "Selvstendighet/fleksibilitet",
        "Kompetanseutvikling",
        "Rolleklarhet",
        "Delekultur",
        "Ledelse",
        "Prioriterte mål og satsingsområder for arbeidsplassen",
        "Mål og tiltak for kommende periode – hva er vi enige om?",
    ]
    assert version.name["nb"] == "Medarbeidersamtale – skjema med 8 tema"
    assert (version.kind, version.duration_minutes, version.summary_author) == (
        "annual",
        90,
        "employee",
    )


def test_only_the_workplace_goals_are_the_leaders_and_only_the_last_theme_holds_goals(builtins):
    themes = _version("skjema-8-tema").themes
    assert [t["leader_only"] for t in themes] == [False] * 6 + [True, False]
    assert [t["goals"] for t in themes] == [False] * 7 + [True]
    assert "konkretiserer" in themes[6]["help"]["nb"]
    assert themes[7]["help"]["nb"] == (
        "Mål · Tiltak · Tidsfrist · Ansvar. Mål og tiltak tas opp igjen i neste medarbeidersamtale."
    )


def test_each_of_the_first_six_themes_asks_what_could_be_better(builtins):
    for theme in _version("skjema-8-tema").themes[:6]:
        assert theme["prompts"][-1]["nb"] == "Hva kan eventuelt bli bedre – hvordan?"
    prompts = [p["nb"] for t in _version("skjema-8-tema").themes for p in t["prompts"]]
    assert len(prompts) == 2 + 3 + 3 + 3 + 4 + 4
    assert "Hvordan vurderer du klima på arbeidsplassen i forhold til å gjøre hverandre gode?" in (
        prompts
    )


def test_the_intro_says_the_conversation_is_confidential_unless_the_conclusion_says_otherwise(
    builtins,
):
    description = _version("skjema-8-tema").description["nb"]
    assert description.startswith("Medarbeidersamtalen er et arbeidsmøte")
    assert "forberedt, åpen, fortrolig og forpliktende" in description
    assert description.endswith(
        "Opplysninger som kommer fram i medarbeidersamtalen skal ikke brukes utad uten at dette "
        "eksplisitt er avtalt i konklusjonsdelen."
    )
    assert "prioriteringer" in description


def test_the_seeds_typos_are_corrected():
    text = str(BUILTINS)
    for typo in ("stasingsområder", "arbeidplassen", "vurdere du", "prioritereinger"):
        assert typo not in text


def test_the_basic_template_has_eight_likert_statements_in_three_groups(builtins):
    version = _version("grunnmal")
    statements = version.statements()
    groups = [s["group"]["nb"] for s in statements]
    assert groups == ["Individuelt"] * 3 + ["Teamarbeid"] * 3 + ["Organisasjon"] * 2
    assert [s["text"]["nb"] for s in statements] == [
        "Jeg får mulighet til å bruke styrkene mine hver dag",
        "Jeg har en tydelig karrierevei i organisasjonen",
        "Jeg føler at jeg blir belønnet for arbeidet jeg gjør",
        "Kollegene mine utfører arbeid av høy kvalitet",
        "Kollegene mine bidrar til at jeg utvikler mine egne ferdigheter",
        "Kollegene mine gjør arbeidet mitt enklere",
        "Organisasjonens mål/visjon inspirerer meg",
        "Organisasjonen er godt forberedt på fremtidige endringer i bransjen",
    ]
    assert statements[0]["key"] == "grunnmal-individ-1"


def test_the_basic_template_records_goals_under_action_items(builtins):
    version = _version("grunnmal")
    assert [t["title"]["nb"] for t in version.themes] == [
        "Medarbeiderens styrker",
        "Mål for fremtiden",
        "Tiltakspunkter",
        "Resultat",
        "Vurdering (1–5)",
    ]
    assert version.goals_theme()["key"] == "tiltakspunkter"
    assert (version.kind, version.duration_minutes, version.summary_author) == (
        "annual",
        60,
        "employee",
    )


def test_the_check_in_is_short_summarized_by_the_leader_and_has_a_few_statements(builtins):
    version = _version("innsjekk")
    assert (version.kind, version.duration_minutes, version.summary_author) == (
        "check_in",
        25,
        "leader",
    )
    assert version.duration_minutes < 30
    assert 2 <= len(version.statements()) <= 3
    assert version.goals_theme() is not None


@pytest.mark.parametrize("builtin", BUILTINS, ids=lambda b: b["key"])
def test_every_text_is_in_bokmal_nynorsk_and_english(builtin):
    for where, text in _texts(builtin):
        assert set(text) == LANGUAGES, where
        assert all(value.strip() for value in text.values()), where


@pytest.mark.parametrize("builtin", BUILTINS, ids=lambda b: b["key"])
def test_keys_are_unique_slugs_and_at_most_one_theme_holds_goals(builtin):
    theme_keys = [t["key"] for t in builtin["themes"]]
    statement_keys = [s["key"] for t in builtin["themes"] for s in t["statements"]]
    assert len(set(theme_keys)) == len(theme_keys)
    assert len(set(statement_keys)) == len(statement_keys)
    assert all(key.replace("-", "").isalnum() and key.islower() for key in theme_keys)
    assert sum(t["goals"] for t in builtin["themes"]) == 1


def test_the_leadership_theme_asks_its_questions_as_statements_about_the_leader(builtins):
    version = _version("skjema-8-tema")
    theme = version.theme("ledelse")
    assert theme["about_leader"] and len(theme["statements"]) == 3
    assert version.leadership_keys() == {
        "skjema-ledelse-1",
        "skjema-ledelse-2",
        "skjema-ledelse-3",
    }
    assert not any(t.get("about_leader") for t in version.themes if t["key"] != "ledelse")
