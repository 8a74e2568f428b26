"""The meeting screen on a desktop and on a phone: the talk-time control stays in reach
while the agenda scrolls, and the "n av 8 gjennomgått" counter follows the ticks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from testkit.people import PASSWORD

TALK = "section.talktime"


@pytest.fixture
def conversation(people):
    # A browser test's flush may have removed the built-ins the migration made.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=current_version(Guide.objects.get(key="skjema-8-tema")),
        scheduled_at=timezone.now() + timedelta(days=10),
        place="Møterom 2",
    )


def _in_view(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    height = page.viewport_size["height"]
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"{selector} at {box} is outside the {height}px high screen"
    )
    return box


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 800, "desktop"), (360, 740, "phone")])
def test_the_talk_time_control_stays_in_reach_and_the_counter_follows(
    visitor_factory, people, conversation, width, height, name
):
    visitor = visitor_factory(f"meeting-{name}", width=width, height=height)
    visitor.login(people.leader.email, PASSWORD)
    visitor.goto(f"/samtaler/{conversation.pk}/mote/")
    visitor.check("top")
    page = visitor.page
    assert page.locator("#covered-count").inner_text() == "0 av 8 gjennomgått"
    bottom = _in_reach_at_the_bottom(page, conversation, height, name)
    _usable_at_the_bottom(visitor, bottom)
    _no_checkbox_hidden_under_it(page)
    _the_counter_follows_the_ticks(visitor, conversation)


def _in_reach_at_the_bottom(page, conversation, height: int, name: str) -> int:
    """The agenda is long: scroll to the very bottom, where the close button is; the
    talk-time box stays at the top, small and opaque. Where the page was scrolled to."""
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * height
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    bottom = page.evaluate("window.scrollY")
    box = _in_view(page, TALK)
    assert box["y"] <= 1, "stuck to the top of the screen"
    # It leaves the screen to the agenda: at most an eighth of a phone's, a tenth of a desktop's.
    share = 0.125 if name == "phone" else 0.1
    assert box["height"] <= share * height, f"the talk-time box takes {box['height']}px"
    # Opaque: the agenda scrolls under it, never shows through it.
    background = page.eval_on_selector(TALK, "el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(255, 255, 255)", background
    _in_view(page, f"form[action='/samtaler/{conversation.pk}/mote/avslutt/'] button")
    return bottom


def _usable_at_the_bottom(visitor, bottom: int):
    """Usable down here, by pointer and by keyboard, without the page jumping."""
    page = visitor.page
    page.click(f"{TALK} button[data-speaker=leader]")
    assert page.get_attribute(f"{TALK} button[data-speaker=leader]", "aria-pressed") == "true"
    page.focus(f"{TALK} button[data-speaker=employee]")
    page.keyboard.press("Enter")
    assert page.get_attribute(f"{TALK} button[data-speaker=employee]", "aria-pressed") == "true"
    assert page.get_attribute(f"{TALK} button[data-speaker=leader]", "aria-pressed") == "false"
    page.focus(f"{TALK} button[data-speaker='']")
    page.keyboard.press("Space")
    assert page.evaluate("window.scrollY") == bottom
    visitor.check("bottom")


def _no_checkbox_hidden_under_it(page):
    """A theme's checkbox reached by the keyboard is not hidden under the box."""
    page.evaluate("window.scrollTo(0, 0)")
    last = page.locator("input[id^=cover-]").last
    last.focus()
    talk, ticked = page.locator(TALK).bounding_box(), last.bounding_box()
    assert ticked["y"] >= talk["y"] + talk["height"], (talk, ticked)


def _the_counter_follows_the_ticks(visitor, conversation):
    """Ticking themes updates the counter without a reload; after a reload the page says
    the same."""
    page = visitor.page
    page.evaluate("window.notReloaded = true")
    url = page.url
    page.check("#cover-motivasjon")
    page.locator("#covered-count", has_text="1 av 8 gjennomgått").wait_for()
    page.check("#cover-rolleklarhet")
    page.locator("#covered-count", has_text="2 av 8 gjennomgått").wait_for()
    page.uncheck("#cover-motivasjon")
    page.locator("#covered-count", has_text="1 av 8 gjennomgått").wait_for()
    page.locator("#cover-motivasjon-status", has_text="Lagret").wait_for()
    assert page.evaluate("window.notReloaded") is True and page.url == url
    assert page.get_attribute("#covered-count", "aria-live") == "polite"
    visitor.check("ticked")

    # And after a reload the page says the same.
    visitor.goto(f"/samtaler/{conversation.pk}/mote/")
    assert page.locator("#covered-count").inner_text() == "1 av 8 gjennomgått"


def test_talk_time_speaks_only_when_the_speaker_changes_or_when_asked(
    visitor_factory, people, conversation
):
    """The counter ticks every second on the screen, but a screen reader hears a change of
    speaker, and the current share when the leader asks for it: not a line a second."""
    visitor = visitor_factory("meeting-talk-announcements")
    visitor.login(people.leader.email, PASSWORD)
    visitor.goto(f"/samtaler/{conversation.pk}/mote/")
    page = visitor.page
    assert page.locator(f"{TALK} [aria-live]").count() == 0
    page.evaluate(
        "() => { window.said = []; new MutationObserver(() => { const t ="
        " document.getElementById('announce').textContent; if (t) window.said.push(t); })"
        ".observe(document.getElementById('announce'), {childList: true, characterData: true,"
        " subtree: true}); }"
    )
    page.get_by_role("button", name="Leder snakker").click()
    page.wait_for_timeout(3500)  # three ticks of the counter
    assert page.evaluate("() => window.said") == ["Leder snakker"]
    page.get_by_role("button", name="Les nåværende andel").click()
    page.wait_for_function("() => window.said.length === 2")
    assert "Leder 100 %" in page.evaluate("() => window.said[1]")
    visitor.check("talk-announced")
    # Pausing saves the seconds; once that is answered, leaving the page sends nothing more.
    url = page.get_attribute("[data-talktime-url]", "data-talktime-url")
    with page.expect_response(lambda response: response.url.endswith(url)):
        page.get_by_role("button", name="Pause").click()
