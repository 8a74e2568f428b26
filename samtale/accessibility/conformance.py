"""Samtale's own assessment of each WCAG success criterion (samtale.accessibility.wcag): its state,
the evidence for it, and, where it falls short, what a person meets, in words for the
accessibility statement. One place, read by each municipality's statement
(`/tilgjengelighet/`) and by the conformance report (docs/accessibility/), so that the two
cannot say different things.

The states are those of a conformance report in the VPAT form: SUPPORTS, PARTIAL ("partially
supports"), FAILS ("does not support"), NOT_APPLICABLE and NOT_TESTED. A criterion is only
SUPPORTS where a test or a stated review stands behind it; where nothing does yet, it is
NOT_TESTED and the statement says so (Uutilsynet's statement lists what is not tested).
What the browser tests found is the other half (OUTCOMES, written by a run of the whole
browser suite, tests/browser/outcomes.py): a criterion any of their checks failed is "does
not support", whatever is written here, so that the statement's "meets N of 48" is counted
from what the tests saw, and its date is the day they last ran whole."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from samtale.accessibility import wcag

SUPPORTS = "supports"
PARTIAL = "partially supports"
FAILS = "does not support"
NOT_APPLICABLE = "not applicable"
NOT_TESTED = "not tested"
STATES = (SUPPORTS, PARTIAL, FAILS, NOT_APPLICABLE, NOT_TESTED)

# What the browser tests found, criterion by criterion, and the day they ran whole.
OUTCOMES = Path(__file__).with_name("conformance_outcomes.json")

# The evidence the browser tests give every page they visit (tests/browser/conftest.py,
# Visitor.check): axe-core's WCAG 2.1 A/AA rules, no sideways scrolling at the width visited,
# no id used twice, no console error.
AXE = (
    "axe-core (WCAG 2.1 A/AA rules) and HTML_CodeSniffer (WCAG2AA errors) on every page the "
    "browser tests visit, 0 found"
)
# tests/browser/test_conformance.py: the pages of the four roles' first-time tasks (15), each
# at 1280, 640, 390 and 320 px.
MEASURED = "tests/browser/test_conformance.py, on the pages of each role's first-time tasks"
KEYBOARD = (
    "tests/browser/test_keyboard.py: the main journeys by keyboard only (signing in, planning, "
    "preparing, the meeting, an action, a round), focus never lost"
)
NO_MEDIA = "Samtale has no audio or video"


@dataclass(frozen=True)
class Assessed:
    number: str
    state: str
    evidence: str  # what stands behind the state, for the report (English)
    shortfall: str | Promise = ""  # what a person meets where it falls short (translated)

    @property
    def criterion(self) -> wcag.Criterion:
        return wcag.by_number(self.number)


def _a(number: str, state: str, evidence: str, shortfall: str | Promise = "") -> Assessed:
    return Assessed(number, state, evidence, shortfall)


ASSESSMENT: tuple[Assessed, ...] = (
    _a("1.1.1", SUPPORTS, f"{AXE} (image-alt, svg-img-alt); each chart is an SVG with a "
       "title and a description naming every bar, beside a table of the same figures"),
    _a("1.2.1", NOT_APPLICABLE, NO_MEDIA),
    _a("1.2.2", NOT_APPLICABLE, NO_MEDIA),
    _a("1.2.3", NOT_APPLICABLE, NO_MEDIA),
    _a("1.2.4", NOT_APPLICABLE, NO_MEDIA),
    _a("1.2.5", NOT_APPLICABLE, NO_MEDIA),
    _a("1.3.1", SUPPORTS, f"{AXE}: headings, tables with th scope, labels and fieldsets; "
       "the signed form's PDF is PDF/A-2a, tagged (samtale/archive/tests/test_pdf.py: every "
       "element in the tree, header cells found by their ids, lists, the footer an artifact)"),
    _a("1.3.2", SUPPORTS, f"{KEYBOARD}: the reading and focus order follow the page; the "
       "signed form's PDF: its tags read in the order its pages show (test_pdf.py)"),
    _a("1.3.3", SUPPORTS, "review of the instructions: none depends on shape, place or sound"),
    _a("1.3.4", SUPPORTS, "no orientation is locked (static/css); pages tested at 390×844 "
       "and 1280×800"),
    _a("1.3.5", SUPPORTS, "samtale/accounts/tests/test_profile.py: the fields about the "
       "person name their purpose (autocomplete): the sign-in, the password's reset and "
       "change, the preferred language on the profile and in the footer"),
    _a("1.4.1", SUPPORTS, "states are said in words beside any colour (Ligger etter, Forsinket)"),
    _a("1.4.2", NOT_APPLICABLE, NO_MEDIA),
    _a("1.4.3", SUPPORTS, f"{AXE} (color-contrast), Designsystemet's colours"),
    _a("1.4.4", SUPPORTS, f"{MEASURED}: at 200 % zoom (1280 × 900 as 640 × 450 CSS pixels) "
       "nothing scrolls sideways or is cut off"),
    _a("1.4.5", SUPPORTS, "no images of text"),
    _a("1.4.10", SUPPORTS, f"{MEASURED}: nothing scrolls sideways at 320 CSS pixels (data "
       "tables scroll inside their own frame); every page visited at 360 or 390 px too"),
    _a("1.4.11", SUPPORTS, f"{MEASURED}: every form field's edge and the focus ring at each "
       "of the first 40 stops of Tab at 390 px are at least 3:1 against what is behind them "
       "(checkboxes the browser draws itself excepted)"),
    _a("1.4.12", SUPPORTS, f"{MEASURED}: with WCAG's line, letter, word and paragraph "
       "spacing set on everything, no text is cut off at 1280 or 390 px"),
    _a("1.4.13", SUPPORTS, f"{MEASURED}: the pointer resting on each of the first 25 targets "
       "in view at 1280 px shows nothing new; the page has no tooltips or popovers of its own, "
       "and what shows on focus (the skip link) is the focused control itself"),
    _a("2.1.1", SUPPORTS, KEYBOARD),
    _a("2.1.2", SUPPORTS, f"{KEYBOARD}: focus is never lost or trapped"),
    _a("2.1.4", SUPPORTS, "no single-key shortcuts (static/js: only the menu's arrow keys)"),
    _a("2.2.1", SUPPORTS, "tests/browser/test_session_expiry.py: the page warns before the "
       "session ends and lets the person extend it; drafts are kept"),
    _a("2.2.2", SUPPORTS, "nothing moves or updates on its own but the talk-time measure, "
       "which the person starts and stops"),
    _a("2.3.1", SUPPORTS, "nothing flashes"),
    _a("2.4.1", SUPPORTS, f"a skip link on every page; {AXE} (bypass, region)"),
    _a("2.4.2", SUPPORTS, f"{AXE} (document-title); every page names itself"),
    _a("2.4.3", SUPPORTS, KEYBOARD),
    _a("2.4.4", SUPPORTS, f"{AXE} (link-name)"),
    _a("2.4.5", SUPPORTS, "the menu, the home page's cards, search on the lists and an index "
       "on pages taller than six phone screens (tests/browser/test_long_pages.py)"),
    _a("2.4.6", SUPPORTS, "review: each heading names its section and each label its field; "
       "none is empty (axe-core's empty-heading, a best-practice rule that no WCAG criterion "
       "is tagged with, and label, on every page the browser tests visit)"),
    _a("2.4.7", SUPPORTS, f"{KEYBOARD}: the focused element is visible at each step; "
       f"{MEASURED}: each of the first 40 stops has a focus ring (the skip link's since "
       "28.11.2026)"),
    _a("2.5.1", SUPPORTS, "no path-based or multi-point gestures"),
    _a("2.5.2", SUPPORTS, "actions happen on release (native buttons and links)"),
    _a("2.5.3", SUPPORTS, f"{MEASURED}: every link and button named in place of its text "
       "(aria-label) holds the text shown"),
    _a("2.5.4", NOT_APPLICABLE, "nothing is operated by motion"),
    _a("3.1.1", SUPPORTS, f"{AXE} (html-has-lang, html-lang-valid): nb, nn or en"),
    _a(
        "3.1.2",
        PARTIAL,
        "the language names in the footer are marked (lang); a template's texts are shown in "
        "the reader's language where HR wrote one, else in another (guides.models.localized) "
        "without saying which",
        _(
            "A conversation template's texts that HR wrote in one language only are shown in "
            "that language to readers of the others, without saying which language they are: "
            "a screen reader reads them with the page's voice."
        ),
    ),
    _a("3.2.1", SUPPORTS, KEYBOARD),
    _a("3.2.2", SUPPORTS, "choices filter a list in place; nothing leaves the page on input"),
    _a("3.2.3", SUPPORTS, "one menu and footer on every page (base.html)"),
    _a("3.2.4", SUPPORTS, "one word for one thing (the interface's glossary, STYLE)"),
    _a("3.3.1", SUPPORTS, "forms mark each refused field (aria-invalid) and say why in words; "
       "tests/browser/test_keyboard.py: a form sent empty comes back with its error summary "
       "in focus, each link leading to its field"),
    _a("3.3.2", SUPPORTS, f"{AXE} (label)"),
    _a("3.3.3", SUPPORTS, "each refusal says what to do instead"),
    _a("3.3.4", SUPPORTS, "signing, deleting and sending are confirmed, and a signature can "
       "be withdrawn until both have signed"),
    _a("4.1.1", SUPPORTS, "tests/browser/conftest.py (Visitor.check): no id is used twice on "
       "any page the browser tests visit"),
    _a("4.1.2", SUPPORTS, f"{AXE} (aria-*, button-name, select-name); {MEASURED}: every "
       "control shown has a name"),
    _a(
        "4.1.3",
        PARTIAL,
        "tests/browser/test_meeting_screen.py: the talk-time measure announces a change of "
        "speaker and the warning, and the share when asked; a save says so in the status "
        "region (test_keyboard.py)",
        _(
            "The talk-time measure in the meeting counts seconds while someone talks. It "
            "announces only a change of speaker and the warning above 30 %, and gives the "
            "current share when asked; a screen reader user who wants it read continuously "
            "must ask for it."
        ),
    ),
    # WCAG 2.2's new criteria: not yet required in Norway, assessed for the next EN 301 549.
    _a("2.4.11", SUPPORTS, f"{MEASURED}: at 390 px, none of the first 40 stops of Tab is "
       "wholly hidden (the meeting's sticky talk-time box included)"),
    _a("2.5.7", SUPPORTS, "nothing is done by dragging"),
    _a("2.5.8", SUPPORTS, f"{MEASURED}: every target at 1280 and 390 px is 24 × 24 CSS "
       "pixels or has no other within 12 pixels of its centre (links in a sentence excepted)"),
    _a("3.2.6", SUPPORTS, "help is linked from the same place on every page"),
    _a("3.3.7", SUPPORTS, "what was entered is kept and offered again (drafts, the "
       "preparation carried to the meeting)"),
    _a("3.3.8", SUPPORTS, "sign-in by password (which a password manager fills), single "
       "sign-on or a code from an app; no puzzle"),
)  # fmt: skip


_read: dict[tuple[str, float], dict[str, Any]] = {}


def outcomes() -> dict[str, Any]:
    """What the browser tests last found (OUTCOMES): {"run": day, "pages", "tests",
    "criteria": {number: {"checks": n, "failed": [{"where", "what"}]}}}. Read again when the
    file changes, so a run that finds a failure lowers the count at once."""
    try:
        key = (str(OUTCOMES), OUTCOMES.stat().st_mtime)
    except FileNotFoundError:
        return {"run": None, "pages": 0, "tests": 0, "criteria": {}}
    if key not in _read:
        _read.clear()
        _read[key] = json.loads(OUTCOMES.read_text(encoding="utf-8"))
    return _read[key]


def forget() -> None:
    _read.clear()


def _as_found(item: Assessed, found: dict[str, Any], run: str) -> Assessed:
    """The criterion as the browser tests found it: where a check failed, it is not met."""
    failed = found.get(item.number, {}).get("failed")
    if not failed or item.state in (FAILS, NOT_APPLICABLE):
        return item
    first = failed[0]
    return replace(
        item,
        state=FAILS,
        evidence=f"{item.evidence}; but the browser tests of {run} found {len(failed)} "
        f"failure(s), the first {first['what']} ({first['where']})",
        shortfall=format_lazy(
            _("An automated check found a barrier on {where}: {what}."),
            where=first["where"],
            what=first["what"],
        ),
    )


def assessed(*, since: tuple[str, ...] = ("2.0", "2.1")) -> list[Assessed]:
    """The assessment of the criteria of the WCAG versions `since`, in WCAG's order, as the
    browser tests last found them."""
    by_number = {a.number: a for a in ASSESSMENT}
    found = outcomes()
    return [
        _as_found(by_number[c.number], found["criteria"], found["run"])
        for c in wcag.CRITERIA
        if c.since in since
    ]


def statement() -> dict[str, Any]:
    """What a municipality's accessibility statement says of the state: the criteria the
    Norwegian regulation requires, how many are met, and those that fall short or are not
    tested (each with its criterion)."""
    required = [a for a in assessed() if a.criterion.norway]
    return {
        "required": len(required),
        "met": sum(a.state in (SUPPORTS, NOT_APPLICABLE) for a in required),
        "short": [a for a in required if a.state in (PARTIAL, FAILS)],
        "not_tested": [a for a in required if a.state == NOT_TESTED],
        "checked": _day(outcomes()["run"]),
    }


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
