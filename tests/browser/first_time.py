"""What a first-time task takes, counted as a browser test does it (test_first_time_tasks.py).

A `Task` is one everyday task; each person taking part signs in through it and gets a `Hand`:
their browser, through which every action is done and counted. Page loads are counted from the
browser's own load events (a new document in the main frame; a download or an htmx swap is
none), htmx partial loads from the requests that carry HX-Request, and actions as the person
does them: a click, a tick, a choice in a list, a field filled (typing into a field is one).
"""

import fcntl
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.utils import timezone

from tests.browser.conftest import DEMO_PASSWORD

RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "first-time-tasks.json"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The page's height at 390 px, and whether it has a way in (issue 61), seen on the page: an
# in-page index (two or more links to places on the page itself), a search field in its first
# two screens, or paging. A filter alone is none.
WAY_IN = """() => {
  const main = document.querySelector("main") || document.body;
  const seen = (e) => e && e.getClientRects().length > 0;
  const here = [...main.querySelectorAll("a[href^='#']")].filter(seen).filter(
    (a) => a.getAttribute("href").length > 1 && document.getElementById(a.getAttribute("href").slice(1)));
  const fields = "input[type=search], [role=searchbox], form[role=search] input[type=text]";
  const search = [...main.querySelectorAll(fields)].filter(
    (e) => seen(e) && e.getBoundingClientRect().top + window.scrollY < 2 * window.innerHeight);
  const paging = [...main.querySelectorAll("a[href*='page='], a[rel=next], .ds-pagination")].filter(seen);
  return [document.documentElement.scrollHeight, here.length >= 2 || search.length > 0 || paging.length > 0];
}"""


@dataclass(frozen=True)
class Budget:
    """What a task may take: `loads` page loads and `clicks` actions, the product as it is.
    `shortest` is the shortest path we can design for it (page loads, actions); `guess` names
    the step where a first-time user has to guess ("" when none does)."""

    loads: int
    clicks: int
    shortest: tuple[int, int]
    guess: str = ""


class Task:
    """One first-time task: the page loads, the htmx partial loads and the actions it took,
    over every person who took part in it."""

    def __init__(self, key: str, budget: Budget, visitor_factory, *, phone_pages: bool = False):
        self.key = key
        # Every page also measured at 390 px: the tallest, and the tallest with no way in.
        self.phone_pages = phone_pages
        self.phone_tallest: dict = {"px": 0}
        self.phone_bare: dict = {"px": 0}
        self.commands = 0  # shell commands an operator ran (counted by the test)
        self.stopped = ""  # where a task the product cannot finish stopped
        self.budget = budget
        self._visitor_factory = visitor_factory
        self.loads = 0
        self.partials = 0
        self.clicks = 0
        self.path: list[str] = []
        self.stumbles: list[str] = []
        self.tallest: dict = {"px": 0}
        self.completed = False
        self.hands: list[Hand] = []

    def sign_in(self, person, *, phone: bool = False) -> "Hand":
        """`person` signs in; their home page is their first page load in the task (the
        sign-in page is not counted)."""
        size = PHONE if phone else DESKTOP
        visitor = self._visitor_factory(
            f"first-time-{self.key}-{person.first_name.lower()}", **size
        )
        visitor.goto("/logg-inn/")
        visitor.page.fill("#id_username", person.email)
        visitor.page.fill("#id_password", DEMO_PASSWORD)
        hand = Hand(self, visitor, person.first_name)  # counts from the home page on
        with visitor.page.expect_navigation():
            visitor.page.click("main button[type=submit]")
        assert visitor.page.url == visitor.base_url + "/", visitor.page.url
        hand.look("home")
        self.hands.append(hand)
        return hand

    def stumble(self, what: str) -> None:
        """A step a first-time user takes that the product refused or undid."""
        self.stumbles.append(what)

    def stop(self, where: str) -> None:
        """The product offers no way on: the task is not completed, and stopped `where`."""
        for hand in self.hands:
            hand.page.evaluate("1")
        self.stopped = where

    def finish(self) -> None:
        """The outcome was checked: the task is complete, in no more than its budget."""
        for hand in self.hands:
            hand.page.evaluate("1")  # every event the browser sent has been counted
        self.completed = True
        assert self.loads <= self.budget.loads and self.clicks <= self.budget.clicks, (
            f"{self.key} took {self.loads} page loads and {self.clicks} clicks, over its "
            f"budget of {self.budget.loads} and {self.budget.clicks}: {self.path}"
        )

    def line(self) -> str:
        loads, clicks = self.budget.shortest
        line = (
            f"first-time task {self.key}: {self.loads} page loads, {self.partials} partial "
            f"loads, {self.clicks} clicks (shortest designable {loads}/{clicks})"
        )
        if self.commands:
            line += f", {self.commands} commands"
        if self.phone_pages:
            line += (
                f"; at 390 px the tallest {self.phone_tallest.get('screens')} screens, with no"
                f" way in {self.phone_bare.get('screens', 0)} ({self.phone_bare.get('page', '')})"
            )
        if self.stopped:
            line += f"; NOT COMPLETED, stopped: {self.stopped}"
        return line

    def summary(self) -> dict:
        loads, clicks = self.budget.shortest
        return {
            "loads": self.loads,
            "partials": self.partials,
            "clicks": self.clicks,
            "completed": self.completed,
            "budget": [self.budget.loads, self.budget.clicks],
            "shortest": [loads, clicks],
            "within_1_5x_shortest": self.completed
            and self.loads <= 1.5 * loads
            and self.clicks <= 1.5 * clicks,
            "guess": self.budget.guess,
            "stumbles": self.stumbles,
            "tallest_page": self.tallest,
            **(
                {
                    "phone_tallest": self.phone_tallest,
                    "phone_tallest_without_way_in": self.phone_bare,
                }
                if self.phone_pages
                else {}
            ),
            **({"commands": self.commands} if self.commands else {}),
            **({"stopped": self.stopped} if self.stopped else {}),
            "path": self.path,
            "database": connection.vendor,
            "at": timezone.now().isoformat(timespec="seconds"),
        }


# No htmx request under way and nothing it swapped in still settling.
SETTLED = """() => !document.querySelector(
    '.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"""


class Hand:
    """One person's browser in a task: what they do through it is counted."""

    def __init__(self, task: Task, visitor, name: str):
        self.task = task
        self.visitor = visitor
        self.page = visitor.page
        self.name = name
        self._looks = 0
        self.page.on("load", self._loaded)
        self.page.on("request", self._requested)

    def _loaded(self, page) -> None:
        self.task.loads += 1
        self.task.path.append(f"{self.name}: {page.url.removeprefix(self.visitor.base_url)}")

    def _requested(self, request) -> None:
        if request.headers.get("hx-request") == "true":
            self.task.partials += 1

    def _act(self, what: str, locator) -> None:
        self.task.clicks += 1
        self.task.path.append(f"{self.name}: {what} {described(locator)}")

    def look(self, label: str) -> None:
        """The page as it is now: a screenshot, axe-core, no console error (not counted);
        the tallest page of the task is kept, in screens of this browser's height."""
        self._looks += 1
        self.visitor.check(f"{self._looks:02d}-{label}")
        px = self.page.evaluate("document.documentElement.scrollHeight")
        if px > self.task.tallest["px"]:
            screen = self.page.viewport_size
            self.task.tallest = {
                "px": px,
                "screens": round(px / screen["height"], 1),
                "width": screen["width"],
                "page": self.page.url.removeprefix(self.visitor.base_url),
            }
        if self.task.phone_pages:
            self._at_phone()

    def _at_phone(self) -> None:
        """The page's height at 390 px (the browser narrowed for the measure, then put back),
        kept if it is the task's tallest, or its tallest with no way in."""
        size = self.page.viewport_size
        if size != PHONE:
            self.page.set_viewport_size(PHONE)
        try:
            px, way_in = self.page.evaluate(WAY_IN)
        finally:
            if size != PHONE:
                self.page.set_viewport_size(size)
        here = self.page.url.removeprefix(self.visitor.base_url)
        seen = {"px": px, "screens": round(px / PHONE["height"], 1), "page": here}
        if px > self.task.phone_tallest["px"]:
            self.task.phone_tallest = {**seen, "way_in": way_in}
        if not way_in and px > self.task.phone_bare["px"]:
            self.task.phone_bare = seen

    def go(self, locator, label: str) -> None:
        """Click a link or a button that loads a page, and look at that page."""
        self._act("click", locator)
        with self.page.expect_navigation():
            locator.click()
        self.look(label)

    def click(self, locator) -> None:
        """Click something that opens, shows or saves in place."""
        self._act("click", locator)
        locator.click()
        self._settled()

    def tick(self, locator) -> None:
        self._act("tick", locator)
        locator.check()
        self._settled()

    def choose(self, locator, **option) -> None:
        """Choose in a list (select_option's arguments: label=…, value=…)."""
        self._act("choose", locator)
        locator.select_option(**option)
        self._settled()

    def _settled(self) -> None:
        """Wait until a part the action swapped in is settled: htmx wires the new part's own
        triggers only then, and a person's next choice in the first 20 ms would go unheard
        (a CI run chose a goal's unit goal in that gap and waited for a 'Saved.' never sent)."""
        self.page.wait_for_function(SETTLED)

    def fill(self, locator, text: str) -> None:
        self._act("fill", locator)
        locator.fill(text)

    def type_in(self, locator, text: str) -> None:
        """Fill a field by typing, key by key, as a searching picker wants it."""
        self._act("fill", locator)
        locator.click()
        self.page.keyboard.type(text)

    def download(self, locator):
        """Click a link that downloads a file (no page load); the Download."""
        self._act("download", locator)
        with self.page.expect_download() as download:
            locator.click()
        return download.value

    def home(self) -> None:
        """Back to the home page by the header's link, as a returning person does."""
        self.go(self.page.locator("header").get_by_role("link", name="Forside"), "home")

    def main(self) -> str:
        return self.page.locator("main").inner_text()


def described(locator) -> str:
    """What a person acted on, from the locator: `link “Åpne samtalen”`, `field “Mål”`."""
    found = re.search(r"selector='(.*)'>$", repr(locator))
    selector = found.group(1) if found else repr(locator)
    last = [part for part in selector.split(" >> ") if not part.startswith("nth=")][-1]
    if role := re.fullmatch(r'internal:role=(\w+)(?:\[name=(?:"(.*)"|/(.*)/)[is]?\])?', last):
        name = role.group(2) or role.group(3)
        return f"{role.group(1)} “{name}”" if name else role.group(1)
    if label := re.fullmatch(r'internal:label=(?:"(.*)"|/\^?(.*)/)[is]?', last):
        return f"field “{label.group(1) or label.group(2)}”"
    if text := re.fullmatch(r'internal:has-text="(.*)"[is]?', last):
        return f"“{text.group(1)}”"
    return last


def record(task: Task) -> None:
    """Print the task's line and keep its figures in the JSON summary: one file for every
    task, read, changed and written under a lock (the tests may run in several workers)."""
    print(task.line())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS, "a+", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.seek(0)
        try:
            figures = json.loads(file.read() or "{}")
        except json.JSONDecodeError:
            figures = {}
        figures[task.key] = task.summary()
        file.seek(0)
        file.truncate()
        file.write(json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def tasks_kept(budgets: dict, visitor_factory, *, phone_pages: bool = False):
    """A fixture's body: yields start("key") -> the Task for budgets["key"]; after the test,
    each task's figures are printed and kept, whether it was completed or not (a task the
    product cannot finish says how far it got)."""
    tasks: list[Task] = []

    def start(key: str) -> Task:
        task = Task(key, budgets[key], visitor_factory, phone_pages=phone_pages)
        tasks.append(task)
        return task

    yield start
    for task in tasks:
        record(task)
