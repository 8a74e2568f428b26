"""The conformance report (docs/accessibility/) says what the assessment says
(samtale/accessibility/conformance.py), as each municipality's statement does: a change to the
assessment without `make conformance` fails here."""

from dataclasses import replace

import pytest

from samtale.accessibility import conformance
from scripts import conformance as report

# With the browser tests' worker: a whole run of them writes the outcomes and this report
# again at its end (tests/browser/outcomes.py), never while these read them.
pytestmark = pytest.mark.xdist_group("browser")


def test_the_report_is_what_the_assessment_says():
    assert not report.stale(), "run make conformance (scripts/conformance.py)"


def test_every_criterion_has_its_row_with_state_and_evidence():
    text = report.report()
    for item in conformance.ASSESSMENT:
        row = next(line for line in text.splitlines() if line.startswith(f"| {item.number} "))
        assert item.state.capitalize() in row and item.evidence[:40] in row, item.number


def test_a_criterion_assessed_again_changes_the_report(monkeypatch):
    before = report.report()
    changed = tuple(
        replace(a, state=conformance.FAILS, shortfall="Fokus forsvinner.")
        if a.number == "2.4.7"
        else a
        for a in conformance.ASSESSMENT
    )
    monkeypatch.setattr(conformance, "ASSESSMENT", changed)
    after = report.report()
    assert after != before
    assert "| 2.4.7 Focus Visible (level AA) | Does not support |" in after
    assert "What a person meets: Fokus forsvinner." in after


def test_every_file_the_evidence_names_exists():
    """The evidence names the tests and files it rests on: each of them is there (a test
    renamed or removed must take its criterion's state with it)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    named = {
        path
        for item in conformance.ASSESSMENT
        for path in re.findall(r"(?:tests|samtale|static)/[\w/.-]+\.(?:py|css|js)", item.evidence)
    }
    assert named, "the evidence names no file"
    assert sorted(p for p in named if not (root / p).exists()) == []


def test_what_the_assessment_rests_on_in_the_browser_was_checked_there():
    """Every criterion met by the browser's checks (axe-core, the measurements, a browser
    test the evidence names) was checked by the last whole run of the browser tests, on
    at least one page, and none of them failed there (else the statement says so)."""
    from tests.browser import outcomes as browser

    found = conformance.outcomes()
    assert found["run"] and found["pages"] > 50, "run the browser tests whole (make test)"
    unchecked = []
    for item in conformance.ASSESSMENT:
        rests = conformance.AXE in item.evidence or conformance.MEASURED in item.evidence
        rests = rests or any(
            (browser.BROWSER / name).exists()
            for name in browser.EVIDENCE_FILE.findall(item.evidence)
        )
        checked = found["criteria"].get(item.number, {}).get("checks")
        if item.state == conformance.SUPPORTS and rests and not checked:
            unchecked.append(item.number)
    assert unchecked == []


def test_the_engines_names_for_a_criterion_are_read_as_its_number(tmp_path, monkeypatch):
    from tests.browser import outcomes as browser

    assert browser.criterion_of_tag("wcag1410") == "1.4.10"
    assert browser.criterion_of_tag("wcag143") == "1.4.3"
    assert browser.criterion_of_tag("wcag21aa") is None  # a level, not a criterion
    code = "WCAG2AA.Principle1.Guideline1_4.1_4_3.G18.Fail"
    assert browser.criterion_of_code(code) == "1.4.3"
    assert browser.criterion_of_code("WCAG2AA.Principle4.Guideline4_1.4_1_2.H91.InputText") == (
        "4.1.2"
    )
    # Written once for what was found; the same findings again change nothing.
    monkeypatch.setattr(browser, "FOUND", {})
    monkeypatch.setattr(browser, "PAGES", set())
    browser.seen(["1.4.10", "1.1.1"], "home (/)", [("1.4.10", "12 px too wide")])
    written = tmp_path / "outcomes.json"
    assert browser.write(written) and not browser.write(written)
    assert '"1.4.10"' in written.read_text() and "12 px too wide" in written.read_text()
