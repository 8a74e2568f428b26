"""What the browser tests found, WCAG criterion by criterion (issue 71): every page's checks
(Visitor.check: axe-core's rules by the criteria they are tagged with, HTML_CodeSniffer's
errors, reflow, ids, references), the measurements of tests/browser/test_conformance.py, and
the outcome of every browser test the assessment names as evidence (test_keyboard.py for
2.1.1, say). A run of the whole
browser suite writes them to samtale/accessibility/conformance_outcomes.json, from which
samtale.accessibility.conformance counts how many of the criteria are met: a criterion a check fails
is "does not support" in each municipality's statement and in the conformance report, which
the same run writes again (scripts/conformance.py)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BROWSER = ROOT / "tests" / "browser"
# What one criterion keeps of its failures: the first few are what a reader needs.
KEPT_FAILURES = 10

# criterion -> {"checks": how many times a page or a test checked it, "failed": [...]}
FOUND: dict[str, dict[str, Any]] = {}
PAGES: set[str] = set()
# The browser tests this process ran to the end (their node ids).
RAN: set[str] = set()

# axe-core tags a rule with the criteria it tests: wcag143 is 1.4.3, wcag1410 is 1.4.10.
AXE_TAG = re.compile(r"wcag(\d)(\d)(\d{1,2})")
# HTML_CodeSniffer's codes name the criterion: WCAG2AA.Principle1.Guideline1_4.1_4_3.G18.Fail.
HTMLCS_CODE = re.compile(r"Guideline\d_\d+\.(\d)_(\d+)_(\d+)")


def criterion_of_tag(tag: str) -> str | None:
    found = AXE_TAG.fullmatch(tag)
    return ".".join(found.groups()) if found else None


def criterion_of_code(code: str) -> str | None:
    found = HTMLCS_CODE.search(code)
    return ".".join(found.groups()) if found else None


# The files whose tests record each problem with its criterion themselves.
OWN_RECORD = {"test_conformance.py"}
EVIDENCE_FILE = re.compile(r"(?:tests/browser/)?(test_\w+\.py)")
_named: dict[str, tuple[str, ...]] = {}


def named_by_evidence(nodeid: str) -> tuple[str, ...]:
    """The criteria whose evidence in samtale.accessibility.conformance names this browser test's
    file (test_keyboard.py for 2.1.1, say): its outcome is theirs."""
    if not nodeid.startswith("tests/browser/"):
        return ()
    name = nodeid.split("::")[0].rsplit("/", 1)[-1]
    if not _named:
        from samtale.accessibility import conformance

        for item in conformance.ASSESSMENT:
            for file in set(EVIDENCE_FILE.findall(item.evidence)):
                if file not in OWN_RECORD and (BROWSER / file).exists():
                    _named[file] = (*_named.get(file, ()), item.number)
        _named.setdefault("", ())
    return _named.get(name, ())


def seen(criteria: Iterable[str], where: str, failures: Iterable[tuple[str, str]] = ()) -> None:
    """`where` (a page, or a test) was checked for `criteria`; each (criterion, what) of
    `failures` failed there."""
    PAGES.add(where)
    for number in set(criteria):
        FOUND.setdefault(number, {"checks": 0, "failed": []})["checks"] += 1
    for number, what in failures:
        entry = FOUND.setdefault(number, {"checks": 1, "failed": []})
        if len(entry["failed"]) < KEPT_FAILURES:
            entry["failed"].append({"where": where, "what": what[:300]})


def recorded() -> dict[str, Any]:
    """What this run found, as samtale.accessibility.conformance reads it."""
    return {
        "run": date.today().isoformat(),
        "pages": len(PAGES),
        "tests": len(RAN),
        "criteria": {number: FOUND[number] for number in sorted(FOUND, key=_order)},
    }


def _order(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def whole_suite(session) -> bool:
    """The run took in every browser test and ran each to its end: no test named or
    selected by keyword or mark, none left out by -x or a failure before it."""
    config = session.config
    if config.option.keyword or config.option.markexpr or config.getoption("lf", False):
        return False
    if getattr(config.option, "deselect", None):
        return False
    for arg in config.args:
        path = (Path(config.invocation_params.dir) / arg.split("::")[0]).resolve()
        if path != BROWSER and BROWSER in path.parents:
            return False  # a browser test file or test named alone
    browser = {item.nodeid for item in session.items if BROWSER in Path(item.fspath).parents}
    return bool(browser) and browser <= RAN


def write(path: Path) -> bool:
    """Write the outcomes to `path` (atomically) when they say something other than what is
    there; True if they did."""
    text = json.dumps(recorded(), indent=1, ensure_ascii=False) + "\n"
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return True
