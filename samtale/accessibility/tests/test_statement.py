"""The accessibility statement says, in Uutilsynet's order, what samtale.accessibility.conformance
says: how many of the requirements are met, each one that falls short with what a person
meets, each one not yet tested, the municipality's contact and the complaint route; in
bokmål, nynorsk and English, to anyone, signed in or not."""

import json

import pytest
from django.conf import settings
from django.test import Client

from samtale.accessibility import conformance, wcag

# With the browser tests' worker: a whole run of them writes the outcomes read here at its
# end (tests/browser/outcomes.py), never while these read them.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("browser")]


def _statement(language: str) -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/tilgjengelighet/")
    assert response.status_code == 200
    return response.text


def test_the_statement_says_what_the_assessment_says_in_uutilsynets_order(settings):
    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    settings.SAMTALE_ACCESSIBILITY_CONTACT = "uu@fjordvik.example"
    page = _statement("nb")
    said = conformance.statement()
    assert "Tilgjengelighetserklæring for Samtale – Fjordvik kommune" in page
    assert f"Samtale oppfyller {said['met']} av de {said['required']} kravene" in page
    assert said["required"] == sum(c.norway for c in wcag.CRITERIA if c.since != "2.2")
    # It says what the list below holds: short of the requirements, untested, or both.
    kinds = {(True, False): "ikke oppfylt helt.", (False, True): "ikke testet ennå."}
    ending = kinds.get((bool(said["short"]), bool(said["not_tested"])), "eller ikke testet ennå.")
    assert f"De nedenfor er {ending}" in page
    for item in said["short"]:
        assert f"{item.number} {wcag.by_number(item.number).names['nb']}" in page
    for item in said["not_tested"]:
        assert f"{item.number} {wcag.by_number(item.number).names['nb']}" in page
    assert "Taletidsmåleren i møtet" in page  # 4.1.3, partly
    assert 'href="mailto:uu@fjordvik.example"' in page
    assert "Diskrimineringsnemnda" in page
    # Uutilsynet's order; a section with nothing to say (nothing untested) is left out.
    order = ["a11y-status", "a11y-short", "a11y-untested", "a11y-feedback", "a11y-complaint"]
    found = [page.index(f'id="{anchor}"') for anchor in order if f'id="{anchor}"' in page]
    assert found == sorted(found) and len(found) >= 4
    assert ('id="a11y-untested"' in page) == bool(said["not_tested"])
    assert said["checked"].strftime("%d.%m.%Y") in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nn", "Tilgjengelegheitserklæring for Samtale"),
        ("en", "Accessibility statement for Samtale"),
    ],
)
def test_the_statement_is_in_each_language(language, words):
    page = _statement(language)
    assert words in page
    short = conformance.statement()["short"][0]
    assert wcag.by_number(short.number).names[language] in page


def test_every_criterion_is_assessed_once_with_a_known_state_and_its_evidence():
    numbers = [a.number for a in conformance.ASSESSMENT]
    assert sorted(numbers) == sorted(c.number for c in wcag.CRITERIA)
    for item in conformance.ASSESSMENT:
        assert item.state in conformance.STATES and item.evidence, item.number
        # What falls short says what a person meets, in words the statement shows.
        assert bool(item.shortfall) == (item.state in (conformance.PARTIAL, conformance.FAILS)), (
            item.number
        )


def test_an_installation_that_names_no_organization_says_the_organization(settings):
    settings.SAMTALE_ORGANIZATION = ""
    page = _statement("nb")
    assert ">Tilgjengelighetserklæring for Samtale</h1>" in page
    assert "Organisasjonen bruker Samtale på" in page


def _outcomes_with(path, **failed: str) -> None:
    """The browser tests' outcomes as they last ran, with a failure planted for each
    criterion given (its number with "_" for ".")."""
    recorded = json.loads(conformance.OUTCOMES.read_text(encoding="utf-8"))
    for key, what in failed.items():
        number = key.removeprefix("c").replace("_", ".")
        entry = recorded["criteria"].setdefault(number, {"checks": 1, "failed": []})
        entry["failed"].append({"where": "meeting (/samtaler/7/mote/)", "what": what})
    path.write_text(json.dumps(recorded), encoding="utf-8")


def test_a_criterion_the_browser_tests_failed_lowers_the_count_the_same_day(
    tmp_path, monkeypatch, settings
):
    """N of 48 is counted from what the browser tests found: a failure they recorded makes
    its criterion "does not support", in the statement and the report, as soon as it is
    written; nothing is edited by hand."""
    from scripts import conformance as report

    settings.SAMTALE_ORGANIZATION = "Fjordvik kommune"
    before = conformance.statement()
    assert not [a for a in before["short"] if a.number == "1.4.10"]
    planted = tmp_path / "outcomes.json"
    _outcomes_with(planted, c1_4_10="335 px too wide: h3.theme-head")
    monkeypatch.setattr(conformance, "OUTCOMES", planted)
    after = conformance.statement()
    assert after["met"] == before["met"] - 1
    (reflow,) = [a for a in after["short"] if a.number == "1.4.10"]
    assert reflow.state == conformance.FAILS
    page = _statement("nb")
    assert f"Samtale oppfyller {after['met']} av de 48 kravene" in page
    assert (
        "En automatisk kontroll fant en barriere på meeting (/samtaler/7/mote/): "
        "335 px too wide: h3.theme-head." in page
    )
    assert "| 1.4.10 Reflow (level AA) | Does not support |" in report.report()
