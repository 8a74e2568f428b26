"""What every endpoint shares: the statuses it may answer, paging, and the small shapes."""

from django.core.paginator import EmptyPage
from ninja import Path

from samtale.api.schemas import Error, PageQuery, ValidationErrors
from samtale.core.paginator import Paginator

# Every operation may answer these: no caller or a bad token, refused (the policy, a scope,
# CSRF), a body over the limit, parameters that do not match the schema, over the limit.
# An id in a path: any text reaches the endpoint (422 for what is not one), never the HTML
# 404 of a route that did not match, nor a number the database cannot hold.
MAX_ID = 2**63 - 1


def Id():  # noqa: N802 - read as a type in the signatures
    return Path(..., ge=1, le=MAX_ID)


COMMON = {401: Error, 403: Error, 413: Error, 422: ValidationErrors, 429: Error}


def responses(ok, *more: int, status: int = 200) -> dict:
    """{status: ok} with COMMON, and `more` of 400 (bad input, a rule of the domain) and 404."""
    return {status: ok, **COMMON, **dict.fromkeys(more, Error)}


def page_of(rows, query: PageQuery, make) -> dict:
    """A page of `rows` (an ordered queryset) as {count, page, page_size, items}: the web's
    paginator, which reads a page in the second half from the end. A page past the last is
    empty, not an error."""
    paginator = Paginator(rows, query.page_size)
    try:
        items = paginator.page(query.page).object_list
    except EmptyPage:
        items = []
    return {
        "count": paginator.count,
        "page": query.page,
        "page_size": query.page_size,
        "items": [make(row) for row in items],
    }


def person_ref(person) -> dict | None:
    return None if person is None else {"id": person.pk, "name": person.full_name}


def unit_ref(unit) -> dict | None:
    return None if unit is None else {"id": unit.pk, "name": unit.name}
