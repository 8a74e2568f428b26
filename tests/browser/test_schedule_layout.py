"""The scheduling assistant's proposal on a phone and on a laptop (issue 35, item 4): at
360 px each proposed conversation is a card that fits the screen, nothing in it hidden
behind a sideways scroll, and at 1280 px each row shows its employee's name once. A
clash keeps its message beside the name, in the card, and the page still fits."""

import pytest

from samtale.demo import rounds as rounds_demo
from samtale.rounds.models import Round
from tests.browser.conftest import DEMO_PASSWORD

# How far the proposal's table reaches past its scrolling box, and the rows' names as
# seen on the screen: text a screen reader alone gets (clipped to 1 px) does not count.
MEASURE = """() => {
  const table = document.querySelector('table.slots');
  const wrap = table.closest('.table-wrap');
  const shown = (node) => {
    for (let el = node.parentElement; el; el = el.parentElement) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 && box.height <= 1 && getComputedStyle(el).overflow !== 'visible') return false;
    }
    return true;
  };
  const rows = [...table.tBodies[0].rows].map((row) => {
    const name = row.querySelector('th[scope=row]').firstChild.textContent.trim();
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    let seen = 0, node;
    while ((node = walker.nextNode())) if (node.textContent.includes(name) && shown(node)) seen++;
    const right = Math.max(...[...row.querySelectorAll('input:not([type=hidden])')]
      .map((i) => i.getBoundingClientRect().right));
    return {name, seen, right};
  });
  return {hidden: wrap.scrollWidth - wrap.clientWidth, width: innerWidth, rows};
}"""


@pytest.fixture
def round_demo(demo):
    rounds_demo.load()
    return demo


@pytest.mark.parametrize("width", [360, 1280])
def test_it_shows_the_proposal_whole_and_each_name_once(visitor_factory, round_demo, width):
    leader = round_demo["leader"]
    round_ = Round.objects.filter(closed_at__isnull=True).get()
    visitor = visitor_factory(f"schedule-layout-{width}", width=width, height=900)
    visitor.login(leader.email, DEMO_PASSWORD)
    visitor.goto(f"/runder/{round_.pk}/timeplan/{leader.pk}/")
    visitor.check("proposal")
    seen = visitor.page.evaluate(MEASURE)
    assert seen["rows"], "the demo's leader has times, so the assistant proposes some"
    assert seen["hidden"] <= 0, f"the proposal scrolls {seen['hidden']}px sideways"
    for row in seen["rows"]:
        assert row["seen"] == 1, f"{row['name']} is shown {row['seen']} times in a row"
        assert row["right"] <= seen["width"], f"{row['name']}'s fields run off the screen"

    # Two conversations at almost the same time: the clash is told in the row, and on a
    # phone the message stays in the card beside the name.
    page = visitor.page
    page.fill("#id_slot-1-date", page.input_value("#id_slot-0-date"))
    page.fill("#id_slot-1-time", page.input_value("#id_slot-0-time"))
    visitor.submit("form[action$='/godta/'] button[type=submit]")
    assert page.locator("table.slots tr.problem .problem-text").count() == 2
    visitor.check("proposal-clash")
    seen = visitor.page.evaluate(MEASURE)
    assert seen["hidden"] <= 0
    if width == 360:
        name = page.locator("table.slots tr.problem th[scope=row]").first
        text = name.locator(".problem-text")
        assert text.bounding_box()["x"] > name.bounding_box()["x"] + 50  # beside the label
