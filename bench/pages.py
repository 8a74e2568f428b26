"""Benchmark: every page, for every role, at 50,000 people.

    .venv/bin/python bench/pages.py              # 50,000 people (make bench-pages)
    BENCH_QUICK=1 .venv/bin/python bench/pages.py   # 2,000 people

Builds the benchmark database once (`manage.py bench_data`, kept as samtale_bench_<people>
on PostgreSQL, or var/bench-<people>.sqlite3 when no PostgreSQL answers or BENCH_DB=sqlite)
and reuses it. Then, in this process, signs in as an employee, a leader, a leader's leader,
HR and an administrator of it, and visits every page each can reach from the home page by
following links (href and hx-get), at most three of each URL pattern (a pattern with
other query parameters counts as another). Each page is requested once to warm up, then
REPEAT times, one request at a time: the table gives its SQL queries, the size of its HTML
and the median server time. Files (CSV, Excel, calendar, PDF) are listed apart: the limits
are for pages. The last line: `pages: worst queries Q, worst kB K, worst ms M`. The figures
are also written to var/bench-pages-<people>-<database>.json.
"""

import json
import os
import time
from dataclasses import asdict

from common import ROOT, open_in_process
from crawl import Visit, crawl

QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 50_000
REPEAT = 5
LIMITS = {"queries": 12, "kb": 100, "ms": 75}
ROLES = ["employee", "leader", "leaders_leader", "hr", "admin"]
# Counted over the whole organization, with their own limit: make bench-insight.
INSIGHT = ("/innsikt/", "/behov/")


def over(visit: Visit) -> str:
    marks = [
        name
        for name, value in (("queries", visit.queries), ("kb", visit.kb), ("ms", visit.ms))
        if visit.kind == "page" and value > LIMITS[name]
    ]
    if visit.status >= 400:
        marks.append(f"status {visit.status}")
    return ", ".join(marks)


def report(visits: list[Visit]) -> None:
    for kind, title in (("page", "pages"), ("file", "files (not held to the page limits)")):
        rows = [v for v in visits if v.kind == kind]
        if not rows:
            continue
        print(f"\n{title}")
        print(f"{'role':<15}{'queries':>8}{'kB':>8}{'ms':>8}  path")
        for v in rows:
            flag = over(v)
            print(
                f"{v.role:<15}{v.queries:>8}{v.kb:>8.1f}{v.ms:>8.1f}  "
                f"{v.path}{' (htmx)' if v.htmx else ''}{f'   <-- over: {flag}' if flag else ''}"
            )
    pages = [v for v in visits if v.kind == "page"]
    failing = [v for v in visits if over(v)]
    print(
        f"\n{len(pages)} pages and {len(visits) - len(pages)} files visited; "
        f"limits: {LIMITS['queries']} queries, {LIMITS['kb']} kB, {LIMITS['ms']} ms; "
        f"{len(failing)} over a limit"
    )
    print(
        f"pages: worst queries {max(v.queries for v in pages)}, "
        f"worst kB {max(v.kb for v in pages):.0f}, worst ms {max(v.ms for v in pages):.0f}"
    )


def main() -> None:
    # A web process writes its heartbeat (core.health) in whichever request comes when
    # SAMTALE_HEARTBEAT_SECONDS have passed: counted in that page's queries, it made a
    # page's count depend on the moment it was visited (12 one run, 13 the next).
    os.environ.update(SAMTALE_HEARTBEAT_SECONDS="0", SAMTALE_READY_REQUIRES="none")
    database = open_in_process(PEOPLE, "every page for every role", REPEAT)
    from samtale.demo.bench_today import BENCH_LOGINS
    from samtale.org.models import Person

    visits: list[Visit] = []
    for role in ROLES:
        started = time.monotonic()
        found = crawl(
            role, Person.objects.get(email=BENCH_LOGINS[role]), repeat=REPEAT, skip=INSIGHT
        )
        print(f"  {role}: {len(found)} URLs in {time.monotonic() - started:.0f} s", flush=True)
        visits += found
    out = ROOT / "var" / f"bench-pages-{PEOPLE}-{database}.json"
    out.write_text(json.dumps([asdict(v) for v in visits], indent=1))
    report(visits)


if __name__ == "__main__":
    main()
