import pytest
from django.core import paginator as django_paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samtale.core.paginator import Paginator
from samtale.org.models import Unit


@pytest.fixture
def units(db):
    # Names that tie, so the order needs its last key (pk) to be the same both ways.
    Unit.objects.bulk_create(Unit(name=f"Enhet {n % 7}", code=f"E{n:03}") for n in range(53))
    return Unit.objects.order_by("name", "pk")


@pytest.mark.parametrize("per_page, orphans", [(5, 0), (10, 3), (53, 0), (7, 2)])
def test_every_page_holds_what_django_s_paginator_gives(units, per_page, orphans):
    ours = Paginator(units, per_page, orphans=orphans)
    theirs = django_paginator.Paginator(units, per_page, orphans=orphans)
    assert ours.num_pages == theirs.num_pages
    for number in ours.page_range:
        page = ours.page(number)
        assert list(page.object_list) == list(theirs.page(number).object_list), number
        assert (page.start_index(), page.end_index()) == (
            theirs.page(number).start_index(),
            theirs.page(number).end_index(),
        )


def test_the_last_page_is_read_from_the_end(units):
    paginator = Paginator(units, 5)
    paginator.count  # noqa: B018 - counted before, as a page's view does
    with CaptureQueriesContext(connection) as queries:
        list(paginator.page(paginator.num_pages).object_list)
    assert "DESC" in queries.captured_queries[-1]["sql"]
    assert "OFFSET" not in queries.captured_queries[-1]["sql"]
