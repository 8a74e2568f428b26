"""No page's query count grows with the organization: every page each role reaches from
the home page, on a small benchmark organization and on one several times larger, makes
the same number of SQL queries, and none more than twelve (bench/crawl.py walks them;
bench/pages.py measures them at 50,000 people)."""

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection

from bench.crawl import crawl
from samtale.demo.bench_today import BENCH_LOGINS
from samtale.org.models import Person

SMALL = {"people": 60, "years": 2}
LARGER = {"people": 400, "years": 4}
# What a page may make at any size (bench/pages.py holds the 50,000-person one to it too).
LIMIT = 12


def _queries_by_page(size: dict) -> dict[tuple, int]:
    """(role, URL pattern, htmx, status, page or file) → the most queries any made."""
    call_command("flush", interactive=False, verbosity=0)
    call_command("bench_data", actions=10, stdout=open("/dev/null", "w"), **size)  # noqa: SIM115
    counts: dict[tuple, int] = defaultdict(int)
    for role, email in BENCH_LOGINS.items():
        for visit in crawl(role, Person.objects.get(email=email)):
            assert visit.status < 400 or visit.status in (403, 404), visit
            # The same page by its answer: a leader's /innsikt/ sends one with a team below
            # k on to the feedback on leadership, and shows a larger one's analysis.
            key = (role, visit.pattern, visit.htmx, visit.status, visit.kind)
            counts[key] = max(counts[key], visit.queries)
    return counts


@pytest.mark.django_db(transaction=True)
def test_no_page_makes_more_queries_for_a_larger_organization():
    small = _queries_by_page(SMALL)
    larger = _queries_by_page(LARGER)
    both = small.keys() & larger.keys()
    assert len(both) > 100, "the walk reaches most pages at both sizes"
    grown = {key: (small[key], larger[key]) for key in both if larger[key] > small[key]}
    assert not grown, (
        f"(role, page, htmx, status, kind): (queries at {SMALL}, at {LARGER}): {grown}"
    )
    # A download writes its audit entry: one call on PostgreSQL (core.audit), four
    # statements on SQLite, which has no database function to take them in one.
    held = ("page", "file") if connection.vendor == "postgresql" else ("page",)
    over = {key: n for key, n in larger.items() if n > LIMIT and key[-1] in held}
    assert not over, f"(role, page, htmx, status, kind): queries over {LIMIT}: {over}"


@pytest.mark.django_db(transaction=True)
def test_a_new_organization_before_its_first_publication_keeps_to_the_limit():
    """A new municipality has this year's conversations and nothing published yet: each year
    of the insight pages' five then says why it has no figures, and asking each year whether
    it had answers cost HR's /innsikt/ three queries a year (19, and 23 for the answers page,
    on 2,000 people). Every page of those who count the organization, the insight pages
    among them, keeps to the limit in that state too."""
    from samtale.insight.models import LeadershipSnapshot, Publication

    call_command("flush", interactive=False, verbosity=0)
    call_command("bench_data", people=60, years=1, stdout=open("/dev/null", "w"))  # noqa: SIM115
    Publication.objects.all().delete()
    LeadershipSnapshot.objects.all().delete()
    over, visited = {}, set()
    for role in ("hr", "leaders_leader", "admin"):
        for visit in crawl(role, Person.objects.get(email=BENCH_LOGINS[role])):
            assert visit.status < 400 or visit.status in (403, 404), visit
            visited.add((role, visit.pattern))
            if visit.kind == "page" and visit.queries > LIMIT:
                over[(role, visit.path, visit.htmx)] = visit.queries
    assert {("hr", ""), ("hr", "innsikt/"), ("leaders_leader", "innsikt/")} <= visited
    assert not over, (
        f"(role, page, htmx): queries over {LIMIT} before anything is published: {over}"
    )
