"""Benchmark: the insight pages at 50,000 people.

    .venv/bin/python bench/insight.py              # 50,000 people (make bench-insight)
    BENCH_QUICK=1 .venv/bin/python bench/insight.py   # 2,000 people

The same benchmark database as bench/pages.py (built once, then reused). In this process it
signs in as HR, a leader's leader and a leader, opens the status analysis and follows its
links under /innsikt/ and /behov/ (other years, the drill-down to a unit and further, the
answers to the statements, the rating habits, the feedback on leadership, the shared needs,
the CSV and Excel downloads), at most three of each URL pattern. Each page is
requested once to warm up, then REPEAT times: the table gives its SQL queries, kB and the
median server time. Limits (issue 13): under 300 ms and at most 12 queries a page. The last
lines: the downloads' worst, then the pages' `insight: worst ms M, worst queries Q`.
"""

import os
import time

from common import open_in_process
from crawl import Visit, crawl

QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 50_000
REPEAT = 5
LIMITS = {"queries": 12, "ms": 300}
ROLES = ["hr", "leaders_leader", "leader"]


def main() -> None:
    open_in_process(PEOPLE, "the insight pages", REPEAT)
    from samtale.demo.bench_today import BENCH_LOGINS
    from samtale.insight import tallies
    from samtale.insight.publication import publish
    from samtale.org.models import Person

    # What the worker does every hour: publish the periods that have ended (bench_data has
    # published them when it built the database, so nothing is due here unless a year ended
    # since), then count the conversations' and actions' figures.
    started = time.monotonic()
    published = publish.publish_due()
    print(
        f"  the worker published {len(published)} periods due in {time.monotonic() - started:.1f} s"
    )
    started = time.monotonic()
    tallies.refresh()
    print(f"  the worker counted the organization's figures in {time.monotonic() - started:.1f} s")
    visits: list[Visit] = []
    for role in ROLES:
        started = time.monotonic()
        person = Person.objects.get(email=BENCH_LOGINS[role])
        found = crawl(
            role, person, repeat=REPEAT, start="/innsikt/", within=("/innsikt/", "/behov/")
        )
        print(f"  {role}: {len(found)} URLs in {time.monotonic() - started:.0f} s", flush=True)
        visits += found
    # The answers filtered by a profession group: a form, so not found by following links.
    hr = Person.objects.get(email=BENCH_LOGINS["hr"])
    visits += crawl(
        "hr", hr, repeat=REPEAT, start="/innsikt/svar/?yrke=Sykepleie", within="/innsikt/svar/?"
    )
    print(f"\n{'role':<15}{'queries':>8}{'kB':>8}{'ms':>8}  path")
    for v in visits:
        flags = [
            name
            for name, value in (("queries", v.queries), ("ms", v.ms))
            if v.kind == "page" and value > LIMITS[name]
        ] + ([f"status {v.status}"] if v.status >= 400 else [])
        print(
            f"{v.role:<15}{v.queries:>8}{v.kb:>8.1f}{v.ms:>8.1f}  {v.path}"
            f"{' (file)' if v.kind == 'file' else ''}"
            f"{'   <-- over: ' + ', '.join(flags) if flags else ''}"
        )
    pages = [v for v in visits if v.kind == "page"]
    print(
        f"\n{len(pages)} pages and {len(visits) - len(pages)} files; limits: "
        f"{LIMITS['queries']} queries, {LIMITS['ms']} ms a page"
    )
    files = [v for v in visits if v.kind == "file"]
    if files:  # downloads: not pages, so outside the limits, but measured all the same
        print(
            f"downloads: worst ms {max(v.ms for v in files):.0f}, "
            f"worst queries {max(v.queries for v in files)}"
        )
    print(
        f"insight: worst ms {max(v.ms for v in pages):.0f}, "
        f"worst queries {max(v.queries for v in pages)}"
    )


if __name__ == "__main__":
    main()
