"""Benchmark: every page, for every role, at 50,000 people.

    .venv/bin/python bench/pages.py              # 50,000 people (make bench-pages)
    BENCH_QUICK=1 .venv/bin/python bench/pages.py   # 2,000 people
    BENCH_UNPUBLISHED=1 .venv/bin/python bench/pages.py   # nothing published yet

BENCH_UNPUBLISHED=1: as a municipality with its people and conversations but before its
first publication and its worker's first count (every municipality starts there): the
published periods, the leadership snapshots and the insight counts (insight.Tally) are
taken away for the run (in a transaction rolled back after, so the database stays as
built); each page's queries are counted at its first visit too (what a page counts on the
spot then), and the insight pages are held to the pages' limits as well (published, they
are counted over the whole organization and held by make bench-insight).

Builds the benchmark database once (`manage.py bench_data`, kept as samtale_bench_<people>
on PostgreSQL, or var/bench-<people>.sqlite3 when no PostgreSQL answers or BENCH_DB=sqlite)
and reuses it. Then, in this process, signs in as an employee, a leader, a leader's leader,
HR and an administrator of it, and visits every page each can reach from the home page by
following links (href and hx-get), at most three of each URL pattern (a pattern with
other query parameters counts as another). Each page is requested once to warm up, then
REPEAT times, one request at a time: the table gives its SQL queries, the size of its HTML,
the median server time, and that time as a multiple of a bare view's (a short text through
the same middleware) timed in the same run, so that machines of different speed compare.
Files (CSV, Excel, calendar, PDF) are listed apart: the limits are for pages. The last
line: `pages: worst queries Q, worst kB K, worst ms M, worst xbare X`. The figures are also
written to var/bench-pages-<people>-<database>.json. The exit status is 1 when any page is
over a limit or answered with an error. A database without statistics (just built or
restored) is analyzed before anything is measured (common.analyze).
"""

import json
import os
import sys
from contextlib import contextmanager
from dataclasses import asdict

from common import ROOT, open_in_process
from crawl import BARE_LIMIT, crawl_roles, report

QUICK = os.environ.get("BENCH_QUICK") == "1"
UNPUBLISHED = os.environ.get("BENCH_UNPUBLISHED") == "1"
PEOPLE = 2_000 if QUICK else 50_000
REPEAT = 5
LIMITS = {"queries": 12, "kb": 100, "ms": 75, "bare": BARE_LIMIT}
ROLES = ["employee", "leader", "leaders_leader", "hr", "admin"]
# Counted over the whole organization, with their own limit: make bench-insight.
INSIGHT = ("/innsikt/", "/behov/", "/kompetanseplan/")


def main() -> None:
    # A web process writes its heartbeat (core.health) in whichever request comes when
    # SAMTALE_HEARTBEAT_SECONDS have passed: counted in that page's queries, it made a
    # page's count depend on the moment it was visited (12 one run, 13 the next).
    os.environ.update(SAMTALE_HEARTBEAT_SECONDS="0", SAMTALE_READY_REQUIRES="none")
    database = open_in_process(PEOPLE, "every page for every role", REPEAT)
    from samtale.demo.bench_today import BENCH_LOGINS

    with _published(not UNPUBLISHED):
        visits = crawl_roles(
            ROLES,
            BENCH_LOGINS,
            repeat=REPEAT,
            skip=() if UNPUBLISHED else INSIGHT,
            first=UNPUBLISHED,
        )
    unpublished = "-unpublished" if UNPUBLISHED else ""
    out = ROOT / "var" / f"bench-pages-{PEOPLE}-{database}{unpublished}.json"
    out.write_text(json.dumps([asdict(v) for v in visits], indent=1))
    # Everything printed first; then a page over a limit fails the run (make exits 1), so
    # that a change that slows a page is seen the day it is made.
    if report(visits, LIMITS, "pages"):
        sys.exit(1)


@contextmanager
def _published(keep: bool):
    """The database as built, or (keep=False) with nothing published, for the block: in a
    transaction rolled back after."""
    if keep:
        yield
        return
    from django.db import transaction

    from samtale.insight.models import LeadershipSnapshot, Publication, Tally

    class RolledBack(Exception):
        pass

    try:
        with transaction.atomic():
            gone = sum(
                model.objects.all().delete()[0]
                for model in (Publication, LeadershipSnapshot, Tally)
            )
            print(f"nothing published or counted: {gone} rows set aside")
            yield
            raise RolledBack
    except RolledBack:
        pass


if __name__ == "__main__":
    main()
