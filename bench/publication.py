"""Benchmark: publishing every closed period with its proof (issue 60), in the demo and at
50,000 people.

    .venv/bin/python bench/publication.py           # 50,000 people (make bench-publish)
    BENCH_QUICK=1 .venv/bin/python bench/publication.py   # 2,000 people
    .venv/bin/python bench/publication.py --demo    # the demo's organization

Every publication is removed, then every closed period is published again as the worker
does (insight.publication.publish_due): per period the seconds it took with the proof, and
the proof's certificate (the figures solved, those HR and the leaders fetch, the cells and
classes, the largest system, the smallest group shown, the groups of fewer than k found).

Before: what the status analysis showed before the figures of what conversations agreed
were published (goals agreed, days to signature, talk, actions: counted live, for every
unit, by the unit each employee is in now), given to the same solver as the sets of
conversations each unit's figure summed: the groups of fewer than k people it computes.

The last line: `publication: periods P, figures F, found before B, after A, seconds S`.
"""

import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT, env, manage, open_in_process

QUICK = os.environ.get("BENCH_QUICK") == "1"
PEOPLE = 2_000 if QUICK else 50_000


def _demo() -> None:
    """The demo's organization, in a database of its own, set up in this process."""
    folder = Path(tempfile.mkdtemp(prefix="samtale-bench-demo-"))
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    os.environ["CONTROL_DATABASE_URL"] = f"sqlite:///{folder / 'control.sqlite3'}"
    os.environ.setdefault("SAMTALE_DEMO_PASSWORD", "samtale-demo-2026")
    print("benchmark: publishing with the proof, the demo's organization, sqlite")
    manage(url, "tenants", "-v0", "migrate")
    manage(url, "demo_data", "--no-logins", "--skip-checks", "--force", capture=True)
    os.environ.update(env(url))
    import django

    django.setup()
    from common import in_home_tenant

    in_home_tenant()


def before(years: list[int], k: int) -> tuple[int, int]:
    """(figures, groups of fewer than k found) of the live status figures of these years as
    HR fetched them before: every unit's, summing the conversations signed in the year by
    the unit each employee is in now."""
    from samtale.conversations.models import Conversation
    from samtale.insight.publication.cells import ancestors, current_tree
    from samtale.insight.publication.solver import solve

    tree = current_tree()
    figures = found = 0
    for year in years:
        people_in: dict = defaultdict(set)
        for person, unit in Conversation.objects.filter(
            kind=Conversation.Kind.ANNUAL,
            status=Conversation.Status.SIGNED,
            signed_at__year=year,
        ).values_list("employee_id", "employee__unit_id"):
            people_in[unit].add(person)
        units = list(people_in)
        classes = [frozenset(people_in[u]) for u in units]
        groups: dict = defaultdict(list)
        for number, unit in enumerate(units):
            groups["org"].append(number)
            for above in ancestors(unit, tree):
                groups[above].append(number)
        solved = solve(classes, groups.values(), k=k)
        figures += solved.figures
        found += len(solved.found)
    return figures, found


def main() -> None:
    if "--demo" in sys.argv:
        _demo()
        what = "the demo"
    else:
        open_in_process(PEOPLE, "publishing with the proof", 1)
        what = f"{PEOPLE:,} people"
    from django.db import transaction

    from samtale.insight.anonymity import min_group
    from samtale.insight.models import Publication
    from samtale.insight.publication import publish

    k = min_group()
    from django.utils import timezone

    # The years published, and this one: its figures were live on the page before.
    published_years = Publication.objects.filter(kind="year").values_list("year", flat=True)
    due_years = {p.year for p in publish.due() if p.round is None}
    years = sorted({*published_years, *due_years, timezone.localdate().year})
    shown_before, found_before = before(years, k)
    print(
        f"  before: {shown_before} unit figures of {len(years)} years counted live; "
        f"groups of fewer than {k} computable: {found_before}"
    )
    with transaction.atomic():
        Publication.objects.all().delete()
    total = time.monotonic()
    published = []
    for period in publish.due():
        started = time.monotonic()
        publication = publish.publish(period)
        seconds = time.monotonic() - started
        published.append((publication, seconds))
        c = publication.proof
        print(
            f"  {str(period):<10} {seconds:6.1f} s (proof {c['seconds']:.1f} s): "
            f"{c['measures']} measures, {c['figures']} figures ({c['hr_figures']} HR's, "
            f"{c['line_figures']} of {c['leaders']} leaders' lines), {c['cells']} cells in "
            f"{c['classes']} classes, largest system {c['rows']} × {c['columns']}, "
            f"small span {c['small_span']}, smallest group {c['smallest']}, found {c['found']}"
        )
    seconds = time.monotonic() - total
    from django.db import connection

    if connection.vendor == "postgresql":  # fresh statistics for the benchmarks that follow
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE insight_publication, insight_publishedfigure")
    figures = sum(p.proof["figures"] for p, _s in published)
    after = sum(p.proof["found"] for p, _s in published)
    print(
        f"publication ({what}): periods {len(published)}, figures {figures}, "
        f"found before {found_before}, after {after}, seconds {seconds:.1f}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
