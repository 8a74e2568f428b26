"""The conformance report (docs/accessibility/) says what the assessment says
(samtale/core/conformance.py), as each municipality's statement does: a change to the
assessment without `make conformance` fails here."""

from dataclasses import replace

from samtale.core import conformance
from scripts import conformance as report


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
