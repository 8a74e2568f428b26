"""Every page a signed-in person can reach from the home page, by following its links:
its SQL queries, the size of its HTML and its median server time, in this process
(django.test.Client). Used by bench/pages.py and by the test that keeps query counts
from growing with the data (tests/test_page_queries.py). Needs Django set up."""

import statistics
import time
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

INSTANCES = 3  # of each URL pattern (with the same query parameters)
# Not pages: signing out and switching language are forms; the picker's search is asked by
# the combobox (and measured by its own test); a person's copy of all their data is a file
# that grows with their own history by nature, one query per conversation for the summary's
# revisions (measured by samtale/privacy/tests/test_export.py: 50 conversations); so is a
# copy HR asked for, waiting on the profile, which a download marks delivered besides; and
# the same copy as a page (measured by samtale/privacy/tests/test_own_data.py).
SKIP_NAMES = {
    "logout",
    "set_language",
    "pick",
    "privacy_export_own",
    "privacy_copy_download",
    "privacy_own_data",
}
HTML = "text/html"


@dataclass
class Visit:
    role: str
    path: str
    pattern: str
    htmx: bool
    status: int
    queries: int
    kb: float
    ms: float
    kind: str  # "page", "file" (CSV, Excel, calendar) or "pdf"
    bare: float = 0.0  # the bare view's median in the same run, for the same person (bare_ms)

    @property
    def times_bare(self) -> float:
        return self.ms / self.bare if self.bare else 0.0


class Links(HTMLParser):
    """The same-site GET links of a page: href of <a>, hx-get of anything."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.found.append((attrs["href"], False))
        if attrs.get("hx-get"):
            self.found.append((attrs["hx-get"], True))


def links(body: str, base: str) -> list[tuple[str, bool]]:
    parser = Links()
    parser.feed(body)
    out = []
    for href, htmx in parser.found:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "tel:")):
            continue
        path = parts.path or urlsplit(base).path
        if not path.startswith("/") or path.startswith("/static/"):
            continue
        out.append((path + (f"?{parts.query}" if parts.query else ""), htmx))
    return out


def pattern_of(path: str) -> str | None:
    from django.urls import Resolver404, resolve

    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.url_name in SKIP_NAMES:
        return None
    keys = sorted({key for key, _ in parse_qsl(parts.query)})
    return match.route + (f"?{'&'.join(keys)}" if keys else "")


def measure(
    client, path: str, htmx: bool, repeat: int, *, first: bool = False
) -> tuple[int, str, int, float, float, str]:
    """(status, text, queries, kB, median ms, kind) of `path`, after a warm-up visit; the
    queries of the last visit, or (`first`) the most of any, the warm-up's included (what
    a page counts on the spot the first time it is asked is held too)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    with CaptureQueriesContext(connection) as warm_up:
        client.get(path, headers=headers)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    content_type = response.get("Content-Type", "")
    kind = "page" if content_type.startswith(HTML) else "file"
    if content_type.startswith("application/pdf"):
        kind = "pdf"  # laid out by WeasyPrint: timed and shown, never held to a page's limits
    text = body.decode("utf-8", "replace") if kind == "page" else ""
    return (
        response.status_code,
        text,
        max(len(queries), len(warm_up)) if first else len(queries),
        len(body) / 1024,
        statistics.median(times),
        kind,
    )


def signed_in(person, host: str = "testserver"):
    """A test client signed in as `person`, with a second factor (as through single sign-on
    with one): production asks it of HR and administrators, whose pages would otherwise all
    be the two-factor page."""
    from django.test import Client

    from samtale.accounts.sso import PROVIDER_MFA

    client = Client(raise_request_exception=False, HTTP_HOST=host)
    client.force_login(person, backend="samtale.accounts.backends.PersonBackend")
    session = client.session
    session[PROVIDER_MFA] = True
    session.save()
    return client


BARE_REPEAT = 51


def bare_ms(person, host: str = "testserver") -> float:
    """The yardstick of this run: the median time of a bare view (bench/urls.py: a short
    text) through the same middleware, signed in as `person`. A page's time as a multiple
    of it compares between machines that differ 2x in speed."""
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="urls"):
        return measure(signed_in(person, host), "/bench/bare/", False, BARE_REPEAT)[4]


def crawl(
    role: str,
    person,
    *,
    repeat: int = 1,
    start: str = "/",
    within: str | tuple[str, ...] = "/",
    skip: tuple[str, ...] = (),
    host: str = "testserver",
    first: bool = False,
) -> list[Visit]:
    """Visit `start` and what it links to, and so on, keeping to paths under `within` and
    leaving those under `skip`, at `host` (a tenant's); `first`: each page's queries counted
    at its first visit too (measure)."""
    client = signed_in(person, host)
    if first:
        # The session's first request writes the session again (its start, the person's
        # language): a cost of signing in, not of the page that happens to come first.
        from django.test import override_settings

        with override_settings(ROOT_URLCONF="urls"):
            client.get("/bench/bare/")
    queue: list[tuple[str, bool]] = [(start, False)]
    seen: set[tuple[str, bool]] = set()
    per_pattern: Counter = Counter()
    visits = []
    while queue:
        path, htmx = queue.pop(0)
        if (path, htmx) in seen:
            continue
        seen.add((path, htmx))
        pattern = pattern_of(path)
        if pattern is None or per_pattern[(pattern, htmx)] >= INSTANCES:
            continue
        per_pattern[(pattern, htmx)] += 1
        status, text, queries, kb, ms, kind = measure(client, path, htmx, repeat, first=first)
        visits.append(Visit(role, path, pattern, htmx, status, queries, kb, ms, kind))
        if status == 200 and kind == "page":
            queue.extend(
                (link, htmx)
                for link, htmx in links(text, path)
                if link.startswith(within) and not link.startswith(skip)
            )
    return visits


def crawl_roles(roles: list[str], logins: dict, **options) -> list[Visit]:
    """crawl() as each role's benchmark person, each visit with that person's bare view."""
    from samtale.org.models import Person

    visits: list[Visit] = []
    for role in roles:
        started = time.monotonic()
        person = Person.objects.get(email=logins[role])
        bare = bare_ms(person, options.get("host", "testserver"))
        found = crawl(role, person, **options)
        for visit in found:
            visit.bare = bare
        print(
            f"  {role}: {len(found)} URLs in {time.monotonic() - started:.0f} s "
            f"(bare view {bare:.2f} ms)",
            flush=True,
        )
        visits += found
    return visits


# A page's time as a multiple of the bare view's (Visit.times_bare), held beside its time:
# the 75 ms limit over 1.5 ms, what the bare view took on an idle 2-core development machine
# on 27.11.2026 (1.5 to 2.1 ms by role, PostgreSQL, 50,000 people). It was 30 over 2.5 ms
# measured the day before, when signing in cost every request 20 ms more than it should
# (core.access.PERSON_WITH_LINE_SQL): the bare view was slow, and so every ratio small.
BARE_LIMIT = 50


def over(visit: Visit, limits: dict, held: tuple[str, ...] = ("page",)) -> str:
    """The limits a visit of a `held` kind is over (queries, kB, ms, times the bare view;
    kB a page's only: a download's size is what it holds), and an error status whatever its
    kind."""
    values = {
        "queries": visit.queries,
        "kb": visit.kb,
        "ms": visit.ms,
        "bare": visit.times_bare,
    }
    marks = [
        name
        for name, limit in limits.items()
        if visit.kind in held and values[name] > limit and (name != "kb" or visit.kind == "page")
    ]
    if visit.status >= 400:
        marks.append(f"status {visit.status}")
    return ", ".join(marks)


def report(visits: list[Visit], limits: dict, name: str, held=("page",)) -> int:
    """The table of pages and of files, then the worst of each; its last line:
    `<name>: worst queries Q, worst kB K, worst ms M, worst xbare X`. The limits hold for
    the kinds `held` (pages; with the files too, the insight downloads). Returns how many
    visits are over a limit (or answered with an error), for the benchmark's exit status."""
    files_title = "files" if "file" in held else "files (not held to the page limits)"
    documents = "documents (PDF, laid out by WeasyPrint: not held to the page limits)"
    for kind, title in (("page", "pages"), ("file", files_title), ("pdf", documents)):
        rows = [v for v in visits if v.kind == kind]
        if not rows:
            continue
        print(f"\n{title}")
        print(f"{'role':<15}{'queries':>8}{'kB':>8}{'ms':>8}{'xbare':>7}  path")
        for v in rows:
            flag = over(v, limits, held)
            print(
                f"{v.role:<15}{v.queries:>8}{v.kb:>8.1f}{v.ms:>8.1f}{v.times_bare:>7.1f}  "
                f"{v.path}{' (htmx)' if v.htmx else ''}{f'   <-- over: {flag}' if flag else ''}"
            )
    pages = [v for v in visits if v.kind == "page"]
    files = [v for v in visits if v.kind == "file"]
    pdfs = [v for v in visits if v.kind == "pdf"]
    failing = [v for v in visits if over(v, limits, held)]
    said = ", ".join(
        f"{limit} {'x the bare view' if key == 'bare' else key}" for key, limit in limits.items()
    )
    print(
        f"\n{len(pages)} pages and {len(files)} files visited; limits: {said}; "
        f"{len(failing)} over a limit"
    )
    if files:
        print(
            f"files: worst ms {max(v.ms for v in files):.0f}, "
            f"worst queries {max(v.queries for v in files)}"
        )
    if pdfs:
        print(
            f"documents: {len(pdfs)} PDFs, worst ms {max(v.ms for v in pdfs):.0f}, "
            f"worst queries {max(v.queries for v in pdfs)}"
        )
    print(
        f"{name}: worst queries {max(v.queries for v in pages)}, "
        f"worst kB {max(v.kb for v in pages):.0f}, worst ms {max(v.ms for v in pages):.0f}, "
        f"worst xbare {max(v.times_bare for v in pages):.1f}"
    )
    return len(failing)
