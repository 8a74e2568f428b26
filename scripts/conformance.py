"""The conformance report (docs/accessibility/index.md), from Samtale's assessment of each
WCAG criterion (samtale/accessibility/conformance.py), in the form of a VPAT / EN 301 549 report: a
table per level with each criterion's state and its evidence. The statement each
municipality shows at /tilgjengelighet/ reads the same assessment.

    python scripts/conformance.py          # rewrite the report
    python scripts/conformance.py --check  # exit 1 if it is not what the assessment says
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not os.environ.get("DJANGO_SETTINGS_MODULE"):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from django.utils import translation  # noqa: E402

from samtale.accessibility import conformance  # noqa: E402

REPORT = ROOT / "docs" / "accessibility" / "index.md"

HEAD = """# Conformance report (WCAG 2.1 A/AA, EN 301 549)

<!-- Written by scripts/conformance.py from samtale/accessibility/conformance.py: edit those. -->

**Product**: Samtale, employee conversations that are followed up (the web application).
**Report date**: {checked}. **Standards**: WCAG 2.1 levels A and AA, as EN 301 549 V3.2.1
chapter 9 and the Norwegian regulation on universal design of ICT solutions take them in;
WCAG 2.2's new A and AA criteria, which the next EN 301 549 takes in, are assessed below
too. **States**: Supports, Partially supports, Does not support, Not applicable, Not tested.

How it was evaluated: every page the browser tests visit (`tests/browser/`), for every
role, at phone and desktop widths, is checked by two engines, axe-core 4.14 (its WCAG 2.1
A/AA rules) and HTML_CodeSniffer 2.5 (its WCAG2AA errors), for sideways scrolling and for
ids used twice; the main journeys are done with the keyboard only; what automation does not
cover is measured on the pages of each role's first-time tasks at 1280, 640 (200 % zoom),
390 and 320 px (`tests/browser/test_conformance.py`: reflow, text spacing, names, target
size, contrast of edges and focus rings, focus not hidden); the signed form's PDF is checked
for its tags and their reading order; the rest is a review by the developers. Each municipality's accessibility statement
(`/tilgjengelighet/`, [per municipality](../running/tenants.md#accessibility-statement))
says the same, from the same assessment.

Summary: of the {required} criteria the Norwegian regulation requires, {met} are met
(supported or not applicable), {short} partially or not, and {untested} not yet tested.
The count is not written by hand: a criterion any browser check failed in the last whole run
of the browser tests is "Does not support" below, whatever the assessment says
(`samtale/accessibility/conformance_outcomes.json`, written by that run: {pages} pages and tests
checked, {tests} tests).
"""

MANUAL = """
## What cannot be tested here

Screen readers and voice control need people: before a release that changes the interface,
do the first-time tasks (`docs/developing/first-time-tasks.md`) with each, on the versions
named, and record what was met here.

| Assistive technology | Versions to test | Procedure |
|---|---|---|
| NVDA | 2025.x with Firefox ESR and Chrome (Windows 11) | the first-time tasks, browse and focus mode; forms' errors, the meeting's talk-time measure, the tables of figures |
| JAWS | 2025 with Chrome and Edge (Windows 11) | as NVDA |
| VoiceOver | macOS 15 with Safari; iOS 18 with Safari | as NVDA; on iOS at 390 px with the rotor |
| TalkBack | Android 15 with Chrome | the employee's and the leader's tasks at a phone's width |
| Voice control | Dragon Professional 16 (Windows), Voice Control (macOS/iOS) | every control named by its visible text |
"""


def _table(title: str, rows: list[conformance.Assessed]) -> str:
    lines = [f"\n## {title}\n", "| Criterion | State | Remarks and evidence |", "|---|---|---|"]
    for item in rows:
        criterion = item.criterion
        remark = item.evidence
        if item.shortfall:
            remark = f"{remark}. What a person meets: {item.shortfall}"
        lines.append(
            f"| {criterion.number} {criterion.name} (level {criterion.level}) "
            f"| {item.state.capitalize()} | {remark.replace('|', '/')} |"
        )
    return "\n".join(lines) + "\n"


def report() -> str:
    with translation.override("en"):
        said = conformance.statement()
        head = HEAD.format(
            checked=said["checked"].isoformat() if said["checked"] else "never run whole",
            required=said["required"],
            met=said["met"],
            short=len(said["short"]),
            untested=len(said["not_tested"]),
            pages=conformance.outcomes()["pages"],
            tests=conformance.outcomes()["tests"],
        )
        older = conformance.assessed()
        tables = [
            _table("WCAG 2.1 level A", [a for a in older if a.criterion.level == "A"]),
            _table("WCAG 2.1 level AA", [a for a in older if a.criterion.level == "AA"]),
            _table("WCAG 2.2: the new criteria", conformance.assessed(since=("2.2",))),
        ]
        return head + "".join(tables) + MANUAL


def stale() -> bool:
    return not REPORT.exists() or REPORT.read_text(encoding="utf-8") != report()


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if stale():
            print(f"{REPORT.relative_to(ROOT)} is out of date: run python scripts/conformance.py")
            return 1
        return 0
    if stale():
        REPORT.write_text(report(), encoding="utf-8")
        print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
