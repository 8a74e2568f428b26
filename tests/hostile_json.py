"""Hostile JSON for the REST API and SCIM (tests/test_hostile_posts.py; the form values
are in tests/hostile.py): plausible SCIM users, patches and searches and the API's request
bodies with a value spoiled, any JSON, and bytes that are not JSON at all.
"""

import json
from collections.abc import Iterator

from hypothesis import strategies as st

from tests.hostile import hostile_text

SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCIM_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
# RFC 7643/7644's names for a user, a patch and a search (the API's own come from its
# OpenAPI document: json_keys).
SCIM_KEYS = [
    "schemas",
    "id",
    "externalId",
    "userName",
    "name",
    "givenName",
    "familyName",
    "displayName",
    "title",
    "emails",
    "value",
    "primary",
    "type",
    "active",
    "employeeNumber",
    "department",
    "manager",
    SCIM_ENTERPRISE,
    "Operations",
    "op",
    "path",
    "filter",
    "startIndex",
    "count",
    "attributes",
    "excludedAttributes",
    "sortBy",
    "sortOrder",
    "meta",
]
SCIM_FILTERS = [
    'userName eq "employee@test.example"',
    'userName eq "x" or 1 eq 1',
    'name.givenName co ")"',
    "((((((((((",
    'emails[type eq "work"].value sw "a"',
    "userName eq",
    "not (active pr)",
    "externalId eq null",
    'active eq "true"',
    "userName eq 5",
    'meta.lastModified gt "9999-99-99T99:99:99Z"',
    'userName eq "\\"',
    'members[value eq "1"]',
    "userName pr and " * 500 + "active pr",
]

RAW_JSON = [
    b"",
    b"{",
    b'{"userName":',
    b"\xff\xfe\x00{",
    b"\xef\xbb\xbf{}",
    b"[]",
    b'"text"',
    b"null",
    b"123",
    b'{"a": NaN, "b": Infinity}',
    b'{"count": 1e999}',
    b'{"count": ' + b"9" * 5_000 + b"}",
    b'{"userName": "\\ud800"}',
    b'{"status": "done", "status": "open"}',
    b"[" * 20_000 + b"]" * 20_000,
    b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    b'{"comment": "' + b"A" * 200_000 + b'"}',
]


def json_keys(openapi: dict) -> list[str]:
    """Every property name of the API's schemas, and SCIM's."""
    found = set(SCIM_KEYS)

    def walk(node):
        if isinstance(node, dict):
            found.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(openapi)
    return sorted(found)


def request_bodies(openapi: dict) -> list[dict[str, list | None]]:
    """The API's request bodies (those of its PATCH, POST and PUT operations): each a
    property name -> its enum (the values it takes), or None."""
    schemas = openapi.get("components", {}).get("schemas", {})
    bodies = []
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                properties = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
                bodies.append({name: _enum(prop) for name, prop in properties.items()})
    return bodies


def _enum(prop: dict) -> list | None:
    for option in [prop, *prop.get("anyOf", [])]:
        if "enum" in option:
            return option["enum"]
    return None


# Where a check passes and the next one fails: every JSON type, and strings that read as
# digits to str.isdigit but not to int(), or that no database text column keeps.
CONFUSING = [None, True, -1, 2**64, 1.5, "", "²", "9" * 5_000, "\x00", "\ud800", [], {}]


def scim_user(n: int, manager: int) -> dict:
    """A user as an identity provider sends it, new (n) and with a manager (an id)."""
    return {
        "schemas": [SCIM_USER, SCIM_ENTERPRISE],
        "userName": f"ny{n}@test.example",
        "name": {"givenName": "Ny", "familyName": "Person"},
        "emails": [{"value": f"ny{n}@test.example", "primary": True, "type": "work"}],
        "active": True,
        "title": "Lærer",
        "externalId": f"ext-{n}",
        SCIM_ENTERPRISE: {"employeeNumber": f"9{n}", "manager": {"value": str(manager)}},
    }


def scim_patch(manager: int) -> dict:
    """A patch as Entra ID sends one: the manager as the id itself, a value without a path."""
    return {
        "schemas": [SCIM_PATCH],
        "Operations": [
            {"op": "replace", "path": f"{SCIM_ENTERPRISE}:manager", "value": str(manager)},
            {"op": "replace", "value": {"title": "Lærer", "active": True}},
            {"op": "add", "path": 'emails[type eq "work"].value', "value": "ny@test.example"},
        ],
    }


def scim_search(text: str) -> dict:
    return {"schemas": [SCIM_SEARCH], "filter": text, "startIndex": 1, "count": 10}


def api_body(body: dict) -> dict:
    """One of the API's request bodies (request_bodies), filled in."""
    return {name: enum[0] if enum else "Tekst" for name, enum in body.items()}


def leaves(body, path: tuple = ()) -> Iterator[tuple]:
    """The path to every value inside `body` (a branch, then the values in it)."""
    items = body.items() if isinstance(body, dict) else enumerate(body)
    for key, value in items:
        yield (*path, key)
        if isinstance(value, dict | list) and value:
            yield from leaves(value, (*path, key))


def spoiled(body, path: tuple, value):
    """A copy of `body` with the value at `path` replaced by `value`."""
    copy = json.loads(json.dumps(body))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


def encode_json(body) -> bytes:
    # ensure_ascii: a lone surrogate goes out as the escape \ud800, as valid JSON.
    return json.dumps(body, ensure_ascii=True).encode()


def json_bodies(
    keys: list[str], shapes: dict[str, list[dict]], ids: list
) -> dict[str, st.SearchStrategy[bytes]]:
    """Per method, a JSON body: mostly one shaped for it (`shapes`: the plausible bodies
    of a SCIM user, patch or search, or the API's) with one or two values hostile, else
    any JSON, or bytes that are not JSON at all."""
    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=2**63),
        st.floats(),
        hostile_text(ids),
        st.sampled_from(CONFUSING),
        st.sampled_from(ids),
    )
    value = st.recursive(
        scalar,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=8,
    )

    @st.composite
    def spoil(draw, bodies: list[dict]) -> bytes:
        body = draw(st.sampled_from(bodies))
        for _ in range(draw(st.integers(1, 2))):
            body = spoiled(body, draw(st.sampled_from(list(leaves(body)))), draw(value))
        return encode_json(body)

    anything = value.map(encode_json) | st.integers(0, len(RAW_JSON) - 1).map(_raw_json)
    return {
        method: st.one_of(spoil(bodies), spoil(bodies), spoil(bodies), anything)
        for method, bodies in shapes.items()
    }


def _raw_json(index: int) -> bytes:
    return RAW_JSON[index]
