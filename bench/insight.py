"""Benchmark: the insight pages at 50,000 people.

    .venv/bin/python bench/insight.py              # 50,000 people (make bench-insight)
    BENCH_QUICK=1 .venv/bin/python bench/insight.py   # 2,000 people

The same benchmark database as bench/pages.py (built once, then reused). In this process it
signs in as HR, a leader's leader and a leader, opens the status analysis and follows its
links under /innsikt/, /behov/ and /kompetanseplan/ (other years, the drill-down to a unit
and further, the answers to the statements, the rating habits, the feedback on leadership,
the shared needs, the competence plans, the CSV, Excel and PDF downloads), at most three of each URL pattern. Each page is
requested once to warm up, then REPEAT times: the table gives its SQL queries, kB, the
median server time, and that time as a multiple of a bare view's timed in the same run.
Limits (issue 47): every insight page and download, for every role, at most 12 queries,
75 ms and BARE_LIMIT times the bare view, as every other page, and every page 100 kB (a
download's size is what it holds). The last line:
`insight: worst queries Q, worst kB K, worst ms M, worst xbare X`; the exit status is 1 when
any is over a limit.
"""

import os
import sys
import time

from common import analyze, open_in_process
from crawl import BARE_LIMIT, crawl, crawl_roles, report

QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 50_000
REPEAT = 5
LIMITS = {"queries": 12, "kb": 100, "ms": 75, "bare": BARE_LIMIT}
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
    analyze()  # what the worker wrote, as autovacuum would
    visits = crawl_roles(
        ROLES,
        BENCH_LOGINS,
        repeat=REPEAT,
        start="/innsikt/",
        within=("/innsikt/", "/behov/", "/kompetanseplan/"),
    )
    # The answers filtered by a profession group: a form, so not found by following links.
    hr = Person.objects.get(email=BENCH_LOGINS["hr"])
    filtered = crawl(
        "hr", hr, repeat=REPEAT, start="/innsikt/svar/?yrke=Sykepleie", within="/innsikt/svar/?"
    )
    hr_bare = next(v.bare for v in visits if v.role == "hr")
    for visit in filtered:
        visit.bare = hr_bare
    if report(visits + filtered, LIMITS, "insight", held=("page", "file")):
        sys.exit(1)  # after everything is printed, as bench/pages.py


if __name__ == "__main__":
    main()
