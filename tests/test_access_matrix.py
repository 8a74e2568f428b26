"""Every URL the app serves × every role → the expected status, from one table.

A URL added without a row in the table fails `test_every_url_is_in_the_matrix`. The rows
are in tests/access_matrix/ (work.py: a person's own work; organization.py: what the
organization runs), the columns they share in columns.py, the objects in objects.py.
Columns: anonymous, employee, other_employee, leader, other_leader,
leaders_leader, hr, admin. The objects are the employee's: their person
record, their unit, an import batch made by the administrator, a built-in
template, and a planned conversation with their leader (with a goal and an action).
A row may carry the data it posts. The REST API's rows (names "api:…") are called signed in
through the browser session, its JSON for PATCH; the API answers 401, never a redirect.
samtale/api/tests/ calls them with tokens.
"""

import json
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from testkit.people import ROLES, make_archivist, make_people, make_union_rep
from tests.access_matrix import organization, work
from tests.access_matrix.objects import objects_for, with_objects
from tests.access_matrix.organization import ARCHIVIST, UNION_REP

MATRIX = [*work.ROWS, *organization.ROWS]


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """The people and the objects every cell reads, made once per module (per worker) in a
    transaction rolled back at its end, where they were made for each of some 3,000 cells
    (half of the module's time). Each cell runs in a savepoint of it (pytest-django's `db`),
    so whatever its request changes is undone before the next cell; the cache is emptied for
    each (conftest.py)."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            people = make_people()
            yield people, objects_for(people)
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def people(_world, db):
    return _world[0]


@pytest.fixture
def objects(_world, db):
    return _world[1]


def _cells():
    for name, kwargs, method, expected, *data in MATRIX:
        for role, status in zip(ROLES, expected, strict=True):
            yield pytest.param(
                name,
                kwargs,
                method,
                data[0] if data else {},
                role,
                status,
                id=f"{name}-{method}-{role}",
            )


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "role", "status"), list(_cells()))
def test_access(client_for, objects, people, name, kwargs, method, data, role, status):
    objects = with_objects(objects, people, kwargs)
    url = _url(name, kwargs, objects)
    response = _send(client_for(role), method, url, data)
    assert response.status_code == status, f"{method.upper()} {url} as {role}"


def _url(name, kwargs, objects) -> str:
    """The URL of a row: its path's arguments, and a query from the keys that start with
    "?" (each an object's name, or a value as it is)."""
    path = {k: objects.get(v, v) for k, v in kwargs.items() if not k.startswith("?")}
    query = {k[1:]: objects.get(v, v) for k, v in kwargs.items() if k.startswith("?")}
    return reverse(name, kwargs=path) + (f"?{urlencode(query)}" if query else "")


def _send(client, method, url, data):
    if method == "patch":
        return client.patch(url, json.dumps(data), content_type="application/json")
    return client.post(url, data) if method == "post" else client.get(url)


def _named_patterns(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _named_patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield (namespace + p.name if p.name else None), prefix + str(p.pattern)


def test_every_url_is_in_the_matrix():
    covered = {row[0] for row in MATRIX}
    served = list(_named_patterns(get_resolver().url_patterns))
    unnamed = [route for name, route in served if not name]
    missing = sorted({name for name, _ in served if name and name not in covered})
    assert not unnamed, f"name these URL patterns: {unnamed}"
    assert not missing, f"add these URLs to the access matrix: {missing}"


def test_the_matrix_has_a_cell_for_every_role():
    assert all(len(row[3]) == len(ROLES) for row in MATRIX)
    print(
        f"access matrix: {len(MATRIX)} URL rows x {len(ROLES)} roles = {len(MATRIX) * len(ROLES)} cells"
    )


def _archivist_cells():
    other = ROLES.index("other_employee")
    for name, kwargs, method, expected, *data in MATRIX:
        status = ARCHIVIST.get((name, method), expected[other])
        yield pytest.param(
            name, kwargs, method, data[0] if data else {}, status, id=f"{name}-{method}-archivist"
        )


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "status"), list(_archivist_cells()))
def test_access_of_the_archive_staff(client, objects, people, name, kwargs, method, data, status):
    """The archive staff are employees like any other (this one in Avdeling 2, as the other
    employee is), with the queue of signed forms besides: nothing else opens to them."""
    archivist = make_archivist(people)
    objects = with_objects(objects, people, kwargs)
    url = _url(name, kwargs, objects)
    client.force_login(archivist)
    response = _send(client, method, url, data)
    assert response.status_code == status, f"{method.upper()} {url} as the archive staff"


def _union_rep_cells():
    other = ROLES.index("other_employee")
    for name, kwargs, method, expected, *data in MATRIX:
        status = UNION_REP.get((name, method), expected[other])
        yield pytest.param(
            name, kwargs, method, data[0] if data else {}, status, id=f"{name}-{method}-union"
        )


@pytest.mark.parametrize(("name", "kwargs", "method", "data", "status"), list(_union_rep_cells()))
def test_access_of_a_union_representative(
    client, objects, people, name, kwargs, method, data, status
):
    """A union representative (tillitsvalgt) for the school is an employee like any other
    (this one in Avdeling 2, as the other employee is), with the school's competence plans
    and its published answers besides: no single conversation, action or need opens."""
    union_rep = make_union_rep(people)
    objects = with_objects(objects, people, kwargs)
    url = _url(name, kwargs, objects)
    client.force_login(union_rep)
    response = _send(client, method, url, data)
    assert response.status_code == status, f"{method.upper()} {url} as a union representative"
