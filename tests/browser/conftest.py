"""Browser tests: Debian's Chromium driven by Playwright, axe-core on every page.

`make test` installs Chromium where it is missing and this user may (scripts/system-packages);
without /usr/bin/chromium the tests are skipped, each saying what to run, and under CI=true a
missing browser fails the run instead.
"""

import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone

from samtale.conversations.services import lifecycle
from samtale.demo import conversations as conversations_demo
from samtale.demo import org as org_demo
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from testkit.people import PASSWORD
from tests.browser import outcomes
from tests.browser.snapshot import Snapshot

# Debian's Chromium. SAMTALE_TEST_CHROMIUM, which scripts/system-packages reads too, is for
# testing what happens without it: a path that is not there (tests/test_system_packages.py).
CHROMIUM = os.environ.get("SAMTALE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
# The second engine (issue 64): HTML_CodeSniffer 2.5.1 (npm html_codesniffer, BSD licence in
# vendor/), its WCAG2AA standard; its errors only (its warnings and notices ask for a person).
# One error is not one: H32.2, "a form without a submit button", for a form a button outside
# it names (HTML's form attribute, which HTML_CodeSniffer predates) and a script submits:
# the two-factor page's security-key form, which WebAuthn can only submit by script.
HTMLCS_SOURCE = (Path(__file__).parent / "vendor" / "HTMLCS.js").read_text()
HTMLCS_ERRORS = (
    "() => new Promise((done) => HTMLCS.process('WCAG2AA', document, () => done("
    "HTMLCS.getMessages().filter((m) => m.type === HTMLCS.ERROR && !(m.code.endsWith('H32.2')"
    " && m.element.id && document.querySelector(`button[form='${m.element.id}']`)))"
    ".map((m) => ({code: m.code, message: m.msg,"
    " element: (m.element.outerHTML || m.element.nodeName).slice(0, 160)})))))"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's violations, each with the criteria its rule is tagged with, and every criterion its
# rules that ran on the page are tagged with (passed, failed or asking a person).
AXE_RUN = (
    "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});"
    " const numbers = (rule) => rule.tags.filter((t) => /^wcag\\d{3,4}$/.test(t))"
    ".map((t) => t.slice(4, 5) + '.' + t.slice(5, 6) + '.' + t.slice(6));"
    " return {violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
    " criteria: numbers(v), nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})),"
    " criteria: [...new Set([...r.passes, ...r.violations, ...r.incomplete].flatMap(numbers))]};"
    " }"
)
# A reference to a missing id: a relationship lost (1.3.1), a name or description lost (4.1.2).
REFERENCED = ("1.3.1", "4.1.2")
DUPLICATE_IDS = (
    "() => { const seen = {}; for (const e of document.querySelectorAll('[id]'))"
    " seen[e.id] = (seen[e.id] || 0) + 1;"
    " return Object.keys(seen).filter((id) => seen[id] > 1); }"
)
DEMO_PASSWORD = "demo-password-for-tests"

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
# test itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _browser_missing(chromium: str = CHROMIUM) -> str | None:
    """Why the browser tests cannot run here, naming what to run, or None. The command is the
    one scripts/system-packages names where it may not install Chromium itself."""
    if not os.access(chromium, os.X_OK):
        if shutil.which("apt-get") is None:
            how = "install with your package manager (on Debian: apt-get install chromium)"
            return f"{chromium} is not installed; {how}"
        sudo = "" if os.geteuid() == 0 else "sudo "
        return f"{chromium} is not installed; run: {sudo}apt-get install chromium"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_missing()
    for item in items:
        if "tests/browser" not in str(item.fspath):
            continue
        item.add_marker(pytest.mark.browser)
        item.add_marker(pytest.mark.xdist_group("browser"))
        # Under CI the tests run and fail in the `browser` fixture instead.
        if reason and not _in_ci():
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing()
    if reason:
        if _in_ci():
            pytest.fail(f"CI=true and {reason}: browser tests must run in CI")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Each element's aria-describedby, aria-labelledby, aria-controls and a label's `for` that
# names an id no element has, as "<tag>[attribute=id]".
MISSING_REFERENCES = """() => {
  const found = [];
  for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls", "for"]) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      if (attribute === "for" && element.tagName !== "LABEL" && element.tagName !== "OUTPUT") continue;
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) found.push(`${element.tagName.toLowerCase()}[${attribute}=${id}]`);
      }
    }
  }
  return found;
}"""


REFLOW_WIDTH = 320
# The element that sticks out furthest to the right, for the message: "<tag>.class (right px)".
WIDEST = """() => {
  let widest = null, right = 0;
  for (const element of document.body.querySelectorAll("*")) {
    const r = element.getBoundingClientRect().right;
    if (r > right) { right = r; widest = element; }
  }
  if (!widest) return "";
  const name = widest.tagName.toLowerCase() + (widest.className && typeof widest.className === "string" ? "." + widest.className.trim().split(/\\s+/).join(".") : "");
  return `${name} (${Math.round(right)} px): ${(widest.textContent || "").trim().slice(0, 60)}`;
}"""


@dataclass
class Findings:
    """What Visitor.check finds on a page, and the criteria it checked."""

    axe: list
    htmlcs: list
    overflow: int
    narrow: int
    wide: object
    duplicates: list
    dangling: list
    checked: list

    @property
    def failures(self) -> list[tuple[str, str]]:
        """(criterion, what) for everything found."""
        found = [(n, f"axe {v['id']}: {v['help']}") for v in self.axe for n in v["criteria"]]
        found += [
            (outcomes.criterion_of_code(e["code"]) or "4.1.2", f"HTML_CodeSniffer {e['code']}")
            for e in self.htmlcs
        ]
        if self.overflow > 0 or self.narrow > 0:
            found.append(("1.4.10", f"{max(self.overflow, self.narrow)} px too wide: {self.wide}"))
        found += [("4.1.1", f"id used twice: {id_}") for id_ in self.duplicates]
        found += [(n, f"reference to a missing id: {d}") for d in self.dangling for n in REFERENCED]
        return found


def _findings(page) -> Findings:
    """Both engines, sideways scrolling at the page's width and at 320 px, ids used twice and
    references to missing ids, on the page that is open."""
    # evaluate() goes through the DevTools protocol, so axe loads without
    # weakening the page's Content-Security-Policy.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    axe = page.evaluate(AXE_RUN, WCAG_TAGS)
    if not page.evaluate("() => typeof window.HTMLCS !== 'undefined'"):
        page.evaluate(HTMLCS_SOURCE)
    htmlcs = page.evaluate(HTMLCS_ERRORS)
    # Responsive: nothing may make the page itself scroll sideways, down to 360 px.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    # Reflow (WCAG 1.4.10): at 320 CSS px wide (1280 px at 400 % zoom) nothing makes the
    # page scroll sideways either; then back to the test's own size.
    size = dict(page.viewport_size)
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": size["height"]})
    narrow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(WIDEST)
    page.set_viewport_size(size)
    return Findings(
        axe=axe["violations"],
        htmlcs=htmlcs,
        overflow=overflow,
        narrow=narrow,
        wide=wide,
        # An id names one element: a second one takes a label, a skip link or an
        # aria-describedby away from the element it was written for.
        duplicates=page.evaluate(DUPLICATE_IDS),
        # And every id a reference names is there: a description or a label that points at
        # nothing is silence for a screen reader (WCAG 1.3.1, 4.1.2).
        dangling=page.evaluate(MISSING_REFERENCES),
        checked=[*axe["criteria"], "1.4.10", "4.1.1", *REFERENCED],
    )


class Visitor:
    """A page in one browser context, checking every page it sees."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.console_errors: list[str] = []
        self._expected: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        # A 403 or 404 page reports its own status as a failed load; that is the point of it.
        if (
            msg.text.startswith("Failed to load resource")
            and msg.location.get("url") == self.page.url
        ):
            return
        error = f"{msg.text} ({msg.location.get('url')})"
        if not any(part in error for part in self._expected):
            self.console_errors.append(error)

    def expect_console_errors(self, part: str) -> None:
        """Console errors containing `part` are the test's own doing (a failure it made, an
        answer the page should get): forget those seen so far and ignore any later ones,
        such as a retry that comes while the page is being checked."""
        self._expected.append(part)
        self.console_errors[:] = [e for e in self.console_errors if part not in e]

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def check(self, label: str) -> None:
        """axe-core finds no WCAG 2.1 A/AA violation and HTML_CodeSniffer no WCAG AA error, no
        console error, no id is used twice, and a screenshot is kept."""
        page = self.page
        page.wait_for_load_state("load")
        self._screenshot(label)
        found = _findings(page)
        # What the page showed of each criterion, whatever the assertions below stop at.
        outcomes.seen(
            found.checked, f"{label} ({page.url.removeprefix(self.base_url)})", found.failures
        )
        assert found.axe == [], f"axe found WCAG violations on {label} ({page.url}): {found.axe}"
        assert found.htmlcs == [], (
            f"HTML_CodeSniffer found WCAG errors on {label} ({page.url}): {found.htmlcs}"
        )
        assert found.overflow <= 0, (
            f"{label} is {found.overflow}px wider than the {page.viewport_size['width']}px screen"
        )
        assert found.narrow <= 0, (
            f"{label} is {found.narrow}px wider than {REFLOW_WIDTH} px: {found.wide}"
        )
        assert self.console_errors == [], f"console errors on {label}: {self.console_errors}"
        assert found.duplicates == [], (
            f"ids used more than once on {label} ({page.url}): {found.duplicates}"
        )
        assert found.dangling == [], (
            f"references to ids not on {label} ({page.url}): {found.dangling}"
        )

    def _screenshot(self, label: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", f"{self.name}-{label}".lower()).strip("-")
        from playwright.sync_api import Error as PlaywrightError

        try:
            self.page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)
        except PlaywrightError:
            # Headless Chromium now and then fails to capture a page it is still painting
            # ("Unable to capture screenshot"); the picture is for people, so try once more.
            self.page.wait_for_timeout(500)
            self.page.screenshot(path=str(SCREENSHOTS / f"{slug}.png"), full_page=True)

    def login(self, email: str, password: str) -> None:
        self.goto("/logg-inn/")
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_url(self.base_url + "/")

    def sign_in_here(self, email: str, password: str) -> None:
        """Sign in on the login page the browser is on; it goes on to its `next` page."""
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")

    def pick(self, field: str, text: str, option: str) -> None:
        """Choose in a searching picker (core.pickers) as a person does: type, wait for the
        matches, click one. Typed text left unchosen is put back to the earlier choice when
        the field loses focus (Designsystemet's combobox), so a test must choose too."""
        page = self.page
        with page.expect_response(lambda r: "/velg/" in r.url):
            page.locator(f"#id_{field}").fill("")  # what was chosen before goes
            page.locator(f"#id_{field}").click()
            page.keyboard.type(text)
        page.locator(f"#id_{field}_list u-option", has_text=option).first.click()
        page.wait_for_function(
            "([name, text]) => document.querySelector(`input[name=${name}]`).value !== ''"
            " && document.querySelector(`input[name=${name}_sok]`).value.includes(text)",
            arg=[field, option],
        )

    def submit(self, selector: str) -> None:
        """Click a form's button and wait for the page it leads to (forms may save texts first)."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def wait_saved(self, textarea_id: str) -> None:
        """Until the server has confirmed the text: data-kind="ok" comes only then ("Ikke
        lagret …" also contains the word)."""
        self.page.locator(f"#{textarea_id}-status[data-kind=ok]").wait_for()


def local_storage(page) -> dict[str, str]:
    """Every key in the page's localStorage and its value."""
    return page.evaluate(
        "() => Object.fromEntries([...Array(localStorage.length).keys()]"
        ".map((i) => [localStorage.key(i), localStorage.getItem(localStorage.key(i))]))"
    )


def session_set(page, **values) -> None:
    """Set values in the browser's session on the server, such as its clocks (seen_at,
    login_at: seconds since the epoch); the page cannot tell it from time gone by."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "samtale_session")
    session = SessionStore(session_key=cookie["value"])
    session.update(values)
    session.save()


def invited_conversation(people, themes: list[dict]):
    """The employee's conversation with the leader on a template of `themes`, ten days
    ahead, invited."""
    version = GuideVersion.objects.create(
        guide=Guide.objects.create(),
        number=1,
        name={"nb": "Testmal"},
        themes=themes,
        duration_minutes=60,
    )
    planned = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        scheduled_at=timezone.now() + timedelta(days=10),
        place="Møterom 2",
    )
    return lifecycle.conversation_invite(actor=people.leader, conversation=planned)


# The demo as loaded the first time in this worker, put back before each later test.
_demo_copy = Snapshot()


@pytest.fixture
def demo(transactional_db):
    """The demo's people by role, each with DEMO_PASSWORD, and its conversations and
    actions. The built-in templates first: the browser tests' flush empties the tables the
    migrations filled."""
    if _demo_copy:
        _demo_copy.put_back()
        return org_demo.logins()
    # In one transaction: statement by statement, each its own commit, the demo took about
    # 18 s on PostgreSQL; as one, about 6 s.
    with transaction.atomic():
        builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
        logins = org_demo.load(password=DEMO_PASSWORD)
        conversations_demo.load()
    _demo_copy.take()
    return logins


@pytest.fixture(autouse=True)
def scripts_deferred(settings):
    """Pages with their scripts as deferred tags, run before the page's load event, so that
    a test acts on a page whose scripts have run when Playwright says it has loaded. As
    deployed, the scripts come after the load event (settings.SCRIPTS_AFTER_LOAD, base.html's
    loader): the tests that measure that path set it back and wait for
    <html data-scripts="loaded">."""
    settings.SCRIPTS_AFTER_LOAD = False


@pytest.fixture
def visitor_factory(browser, live_server):
    contexts = []

    def make(name: str, *, width: int = 1280, height: int = 900):
        # Reduced motion, as a person may ask for it: Designsystemet's details open with an
        # animation otherwise, and on a loaded machine the form growing under the mouse
        # moved a button between Playwright's mousedown and mouseup (no click, no request).
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="nb-NO", reduced_motion="reduce"
        )
        # A wait, not a limit on the app: on a 2-core machine running the suite in two
        # workers, each with its own Chromium and live server, an answer has taken over 10 s.
        context.set_default_timeout(20_000)
        contexts.append(context)
        return Visitor(context.new_page(), live_server.url, name)

    yield make
    for context in contexts:
        context.close()
    _requests_done()


def _requests_done(seconds: float = 20) -> None:
    """Wait until the live server has answered every request the test's pages sent (an
    autosave, a session check still on its way when the page closed): one answered after
    the test, on the connection the live server shares with the test process, would run
    beside the next test's own work."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        serving = [
            thread
            for thread in threading.enumerate()
            if "process_request_thread" in thread.name and thread.is_alive()
        ]
        if not serving:
            return
        for thread in serving:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def pytest_runtest_logreport(report):
    """A browser test the assessment names as evidence for a criterion checks it as a
    whole (tests/browser/outcomes.py): its failure is the criterion's."""
    criteria = outcomes.named_by_evidence(report.nodeid)
    if criteria and (report.when == "call" or report.failed):
        lines = report.longreprtext.strip().splitlines() if report.failed else []
        failed = [(number, lines[-1] if lines else "failed") for number in criteria]
        where = report.nodeid.split("/")[-1].split("@")[0]
        outcomes.seen(criteria, where, failed if report.failed else ())


def pytest_runtest_logfinish(nodeid, location):
    if nodeid.startswith("tests/browser/"):
        outcomes.RAN.add(nodeid)


def pytest_sessionfinish(session, exitstatus):
    """After a run of the whole browser suite: its outcomes, and the conformance report
    that counts from them (the statement reads them as it is asked)."""
    if not outcomes.FOUND or not outcomes.whole_suite(session):
        return
    from samtale.accessibility import conformance
    from scripts import conformance as report

    if outcomes.write(conformance.OUTCOMES):
        conformance.forget()
        report.main([])


def pytest_terminal_summary(terminalreporter):
    reason = _browser_missing()
    if reason and not _in_ci():
        terminalreporter.write_sep(
            "!",
            f"BROWSER TESTS SKIPPED: {reason}",
            yellow=True,
            bold=True,
        )


def employee_preparing(visitor_factory, people, conversation, name):
    """A browser signed in as the employee, on the conversation's preparation page."""
    visitor = visitor_factory(name)
    visitor.login(people.employee.email, PASSWORD)
    visitor.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    return visitor
