"""Samtale's own assessment of each WCAG success criterion (samtale.core.wcag): its state,
the evidence for it, and, where it falls short, what a person meets, in words for the
accessibility statement. One place, read by each municipality's statement
(`/tilgjengelighet/`) and by the conformance report (docs/accessibility/), so that the two
cannot say different things.

The states are those of a conformance report in the VPAT form: SUPPORTS, PARTIAL ("partially
supports"), FAILS ("does not support"), NOT_APPLICABLE and NOT_TESTED. A criterion is only
SUPPORTS where a test or a stated review stands behind it; where nothing does yet, it is
NOT_TESTED and the statement says so (Uutilsynet's statement lists what is not tested).
CHECKED is the day the assessment was last gone through against the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samtale.core import wcag

SUPPORTS = "supports"
PARTIAL = "partially supports"
FAILS = "does not support"
NOT_APPLICABLE = "not applicable"
NOT_TESTED = "not tested"
STATES = (SUPPORTS, PARTIAL, FAILS, NOT_APPLICABLE, NOT_TESTED)

CHECKED = date(2026, 11, 28)

# The evidence the browser tests give every page they visit (tests/browser/conftest.py,
# Visitor.check): axe-core's WCAG 2.1 A/AA rules, no sideways scrolling at the width visited,
# no id used twice, no console error.
AXE = "axe-core (WCAG 2.1 A/AA rules) on every page the browser tests visit, 0 violations"
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
       "the signed form's PDF is PDF/A-2a (tagged), its tags' reading order not yet tested"),
    _a("1.3.2", SUPPORTS, f"{KEYBOARD}: the reading and focus order follow the page"),
    _a("1.3.3", SUPPORTS, "review of the instructions: none depends on shape, place or sound"),
    _a("1.3.4", SUPPORTS, "no orientation is locked (static/css); pages tested at 390×844 "
       "and 1280×800"),
    _a("1.3.5", NOT_TESTED, "the sign-in fields name their purpose (autocomplete); the other "
       "fields about the person are not yet checked"),
    _a("1.4.1", SUPPORTS, "states are said in words beside any colour (Ligger etter, Forsinket)"),
    _a("1.4.2", NOT_APPLICABLE, NO_MEDIA),
    _a("1.4.3", SUPPORTS, f"{AXE} (color-contrast), Designsystemet's colours"),
    _a("1.4.4", NOT_TESTED, "200 % zoom is not yet tested in the browser tests"),
    _a("1.4.5", SUPPORTS, "no images of text"),
    _a("1.4.10", NOT_TESTED, "no page scrolls sideways at 360 and 390 px (Visitor.check); "
       "320 px is not yet tested"),
    _a("1.4.11", NOT_TESTED, "the contrast of controls' borders and focus rings is not yet "
       "measured (axe does not)"),
    _a("1.4.12", NOT_TESTED, "text spacing is not yet tested"),
    _a("1.4.13", NOT_TESTED, "content shown on hover or focus is not yet tested"),
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
    _a("2.4.6", SUPPORTS, f"{AXE} (empty-heading, label)"),
    _a("2.4.7", SUPPORTS, f"{KEYBOARD}: the focused element is visible at each step"),
    _a("2.5.1", SUPPORTS, "no path-based or multi-point gestures"),
    _a("2.5.2", SUPPORTS, "actions happen on release (native buttons and links)"),
    _a("2.5.3", NOT_TESTED, "that each control's accessible name holds its visible text is "
       "not yet tested"),
    _a("2.5.4", NOT_APPLICABLE, "nothing is operated by motion"),
    _a("3.1.1", SUPPORTS, f"{AXE} (html-has-lang, html-lang-valid): nb, nn or en"),
    _a("3.1.2", NOT_TESTED, "parts in another language (the language names in the footer are "
       "marked); others are not yet checked"),
    _a("3.2.1", SUPPORTS, KEYBOARD),
    _a("3.2.2", SUPPORTS, "choices filter a list in place; nothing leaves the page on input"),
    _a("3.2.3", SUPPORTS, "one menu and footer on every page (base.html)"),
    _a("3.2.4", SUPPORTS, "one word for one thing (the interface's glossary, STYLE)"),
    _a("3.3.1", SUPPORTS, "forms mark each refused field (aria-invalid) and say why in words"),
    _a("3.3.2", SUPPORTS, f"{AXE} (label)"),
    _a("3.3.3", SUPPORTS, "each refusal says what to do instead"),
    _a("3.3.4", SUPPORTS, "signing, deleting and sending are confirmed, and a signature can "
       "be withdrawn until both have signed"),
    _a("4.1.1", SUPPORTS, "no id is used twice on any page visited (Visitor.check)"),
    _a("4.1.2", SUPPORTS, f"{AXE} (aria-*, button-name, select-name)"),
    _a(
        "4.1.3",
        PARTIAL,
        "the meeting's talk-time measure announces a change of speaker and the warning",
        _(
            "The talk-time measure in the meeting counts seconds while someone talks. It "
            "announces only a change of speaker and the warning above 30 %, and gives the "
            "current share when asked; a screen reader user who wants it read continuously "
            "must ask for it."
        ),
    ),
    # WCAG 2.2's new criteria: not yet required in Norway, assessed for the next EN 301 549.
    _a("2.4.11", NOT_TESTED, "that the sticky header never hides the focused element is not "
       "yet tested"),
    _a("2.5.7", SUPPORTS, "nothing is done by dragging"),
    _a("2.5.8", NOT_TESTED, "target sizes are not yet measured"),
    _a("3.2.6", SUPPORTS, "help is linked from the same place on every page"),
    _a("3.3.7", SUPPORTS, "what was entered is kept and offered again (drafts, the "
       "preparation carried to the meeting)"),
    _a("3.3.8", SUPPORTS, "sign-in by password (which a password manager fills), single "
       "sign-on or a code from an app; no puzzle"),
)  # fmt: skip


def assessed(*, since: tuple[str, ...] = ("2.0", "2.1")) -> list[Assessed]:
    """The assessment of the criteria of the WCAG versions `since`, in WCAG's order."""
    by_number = {a.number: a for a in ASSESSMENT}
    return [by_number[c.number] for c in wcag.CRITERIA if c.since in since]


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
        "checked": CHECKED,
    }
