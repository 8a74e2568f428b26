"""Bad input everywhere: hostile values posted to every URL the resolver serves, as every role.

Every pattern of the URL resolver is posted to as anonymous, as each fixed person and as the
archive staff (the REST API and SCIM also with an administrator's bearer token, the only
credential SCIM takes), at paths with the ids of the content world of tests/content_paths
(other people's conversations, goals and actions as well as one's own) and ids that do not
exist. The bodies are made of hostile values (tests/hostile.py and, for the API and SCIM,
tests/hostile_json.py): the wrong types, 100 kB
strings, control characters, NUL bytes and lone surrogates, injections, numbers out of
every range, keys repeated and left out, in multipart, urlencoded, JSON and broken
encodings; some with no CSRF token or a false one, some as htmx requests.

Two rules hold for every answer:
- never a 5xx, and never an exception;
- never a change to the database where the answer was an error: a 4xx, the form shown
  again with its errors, or a redirect with an error message.

In three passes:
1. every endpoint x role once, deterministically, with every field name of the app (which
   also records the names each view reads from the POST, and where a role gets past
   access), and each endpoint once more without a CSRF token;
2. every value of a plausible SCIM user, patch and search and of the API's update replaced
   in turn by each of hostile_json.CONFUSING (a value of each JSON type, and strings that
   pass one check and fail the next);
3. EXAMPLES requests Hypothesis draws: endpoint, role, path, headers and a body of the
   fields that view reads, plausible but for one to three hostile ones (or hostile all
   through), half of them where the role gets past access.

Each request runs in a savepoint rolled back after it, so each starts from the same
database; after an error answer that wrote anything, a fingerprint of every table is
compared with the one taken at the start (Fingerprint; the sending and judging is
tests/hostile_poster.py). A failure does not stop the run: all are collected, and the
test fails at the end with each kind once, its request reduced to the fields and headers
that matter. The test client skips the CSRF check (as a valid token would pass it),
except where a request is sent without one.
"""

import json
import logging
import os
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from samtale.actions.models import Action
from samtale.api import tokens
from samtale.api.models import ApiToken
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle, summary
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.org.models import EmailChange, Person
from testkit.people import ROLES, make_archivist
from tests import hostile, hostile_json
from tests.content_paths.world import build_world
from tests.fingerprint import Fingerprint
from tests.hostile_poster import BEARER, PEOPLE_ROLES, Endpoint, Poster, Request, endpoints

# The examples Hypothesis draws after the deterministic passes. With 1,500 the file runs in
# about 55 s on SQLite and 80 s on PostgreSQL on two cores; HOSTILE_EXAMPLES=10000 for a
# deeper run by hand (derandomized: each count draws the same examples every time).
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", 1500))

# What may change on an error answer: bookkeeping of the request itself, never content.
SKIP_TABLES = {
    # Every signed-in request moves its session's last activity (SessionLimitMiddleware),
    # and signing in or out replaces the session.
    "django_session",
    # Failed sign-ins are counted to slow the next attempt (accounts.models), for addresses
    # nobody has as well: counting a refused attempt is the point.
    "accounts_failedlogin",
    "accounts_loginthrottle",
    # Password reset requests are counted per address and client, whatever the answer.
    "accounts_resetrequest",
}
SKIP_COLUMNS = {
    # A bearer token's request counts against its minute whatever the answer
    # (api.tokens.within_rate, the rate limit's window).
    "api_apitoken": {"last_used_at", "window_start", "window_count"},
}
# What writes on a request whatever its answer, to tables not skipped: left out of the
# count of rows written that decides whether the database is compared (Fingerprint.writes).
BOOKKEEPING = [
    (SessionStore, "save"),  # on SQLite, which counts the session table's rows too
    (SessionStore, "delete"),
    (tokens, "within_rate"),  # its counter's columns are in SKIP_COLUMNS
]
NEW_ROWS_ALLOWED = {
    # The audit log writes every failed and refused sign-in (accounts.audit): a new entry of
    # these on an error answer is the log doing its work. Any other entry is a change.
    "core_auditentry": ("action", {"login.failed", "login.refused"}),
}

# The endpoints that take a JSON body: per method, the plausible body (json_shapes) whose
# values json_value_pass replaces one by one. (A PUT of a user is read as a POST of one is:
# Hypothesis draws those.)
JSON_BODIES = {
    "scim_users": {"POST": "user"},
    "scim_user": {"PATCH": "patch"},
    "scim_users_search": {"POST": "search"},
    "scim_search": {"POST": "search"},
    "api:action_update": {"PATCH": "api 0"},
}
HEADER_URLS = [
    "http://testserver/samtaler/",
    "http://[",
    "javascript:alert(1)",
    "//evil.example/x",
    "http://testserver/" + "a" * 3000,
]


# The requests ------------------------------------------------------------------------


def first_request(endpoint: Endpoint, n: int, catalog: list[str], first_json: list) -> Request:
    """The deterministic first pass: every field name of the app with a hostile value (the
    formsets' management fields at 1, so that their forms are read too), or a hostile JSON
    body; each role at another id, with the headers of FIRST_HEADERS in turn."""
    paths = endpoint.paths or endpoint.strange
    path = paths[n % len(paths)]
    headers = FIRST_HEADERS[n % len(FIRST_HEADERS)]
    if endpoint.json:
        body = first_json[n % len(first_json)]
        method = ("POST", "PATCH", "PUT")[n % 3]
        return Request(method, path, body, "application/json", headers)
    pairs = [
        (
            name,
            "1"
            if name.endswith(hostile.MANAGEMENT)
            else hostile.HOSTILE[(i + n) % len(hostile.HOSTILE)],
        )
        for i, name in enumerate(catalog)
    ]
    # Urlencoded: Django's multipart parser takes some 20 ms for the app's 150 names.
    body, content_type = hostile.encode_form(pairs, "urlencoded")
    return Request("POST", path, body, content_type, headers, "off", pairs, "urlencoded")


# The first pass's headers, in turn: a form, htmx, and htmx or a form from a page whose
# address cannot be read (where the sign-in sends someone back to).
FIRST_HEADERS = [
    {},
    {"HX-Request": "true"},
    {"HX-Request": "true", "HX-Current-URL": "http://["},
    {"Referer": "http://["},
]
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.just("true"),
        "HX-Current-URL": st.sampled_from(HEADER_URLS),
        "HX-Target": st.sampled_from(["main", "", "a" * 500, "<x>"]),
        "Referer": st.sampled_from(HEADER_URLS),
        "Accept": st.sampled_from(["application/json", "*/*", "text/html;q=x"]),
        "Accept-Language": st.sampled_from(["en", "nn", "xx", "nb;q=NaN", "a" * 600, "*"]),
    },
)


@st.composite
def request_for(
    draw, endpoint: Endpoint, keys: frozenset, values: hostile.Values, reached: str | None
) -> Request:
    """A hostile request to `endpoint`: at the path where the role got past access (if it
    did, half the time), else with real ids (mostly) or strange ones; a form body of the
    names its view reads (or a few of the app's, if none), or for the API and SCIM mostly
    JSON; one in five without a valid CSRF token."""
    use_strange = endpoint.strange and (not endpoint.paths or draw(st.integers(0, 4)) == 0)
    if reached is not None and draw(st.booleans()):
        path = reached
    else:
        path = draw(st.sampled_from(endpoint.strange if use_strange else endpoint.paths))
    csrf = draw(st.sampled_from(["off"] * 8 + ["missing", "false"]))
    headers = draw(HEADERS)
    if endpoint.json and draw(st.integers(0, 3)):
        method = draw(st.sampled_from(["POST", "PUT", "PATCH"]))
        content_type = draw(
            st.sampled_from(
                [
                    "application/json",
                    "application/scim+json",
                    "text/plain",
                    "application/json; charset=latin-1",
                ]
            )
        )
        return Request(method, path, draw(values.json[method]), content_type, headers, csrf)
    names = sorted(keys) or draw(st.lists(st.sampled_from(values.catalog), max_size=4, unique=True))
    pairs = draw(hostile.form_pairs(names, values))
    encoding = draw(st.sampled_from(["multipart"] * 3 + ["urlencoded"] * 2 + ["json", "garbage"]))
    body, content_type = hostile.encode_form(pairs, encoding)
    return Request("POST", path, body, content_type, headers, csrf, pairs, encoding)


# The world ---------------------------------------------------------------------------


@pytest.fixture
def clear_caches():
    """allauth counts attempts in the cache, which no rollback empties: the run starts from
    an empty one, and leaves one for the tests after it."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def world(people, clear_caches):
    """The content world, with what it lacks for some routes: the archive staff, an e-mail
    change on hold, a correction under way (conversation F), and a service token for SCIM."""
    world = build_world(people)
    archivist = make_archivist(people)
    EmailChange.objects.create(
        person=people.employee,
        old_email="emma.old@test.example",
        new_email=people.employee.email,
        changed_by=people.admin,
    )
    summary.summary_revise(
        actor=people.leaders_leader,
        conversation=Conversation.objects.get(pk=world.conversations["F"]),
        reason="Feil dato",
    )
    issued = tokens.issue(
        person=people.admin,
        name="Provisjonering",
        scopes=["read", "write", "scim"],
        days=30,
        kind=ApiToken.Kind.SERVICE,
    )
    roles = {role: people.by_role(role) for role in ROLES} | {"archivist": archivist}
    return world, roles, issued.raw


def hostile_values(ids: dict) -> hostile.Values:
    """The values for every field name of the app, and the JSON bodies for the API (its
    request bodies from its OpenAPI document) and SCIM."""
    form_fields = hostile.app_form_fields()
    every_id = sorted({i for kind in ids.values() for i in kind if isinstance(i, int)})
    hostile_ids = [*every_id, 0, -1, 999_999_999, 2**63, 10**25]
    by_model: dict = {}

    def ids_of(model) -> list:
        if model is None:
            return every_id
        if model not in by_model:
            by_model[model] = list(model.objects.values_list("pk", flat=True)[:100]) or [1]
        return by_model[model]

    values = hostile.Values(form_fields, hostile.field_names(form_fields), hostile_ids, ids_of)
    openapi = json.loads(Client().get(reverse("api:openapi-json")).content)
    values.json_keys = hostile_json.json_keys(openapi)
    values.shapes = json_shapes(openapi, manager=ids_of(Person)[0])
    values.json = hostile_json.json_bodies(
        values.json_keys,
        {method: list(bodies.values()) for method, bodies in values.shapes.items()},
        hostile_ids,
    )
    return values


def json_shapes(openapi: dict, *, manager: int) -> dict[str, dict[str, dict]]:
    """method -> shape -> the plausible body: a SCIM user (new, with a manager), an Entra ID
    patch, a search for each filter, and the API's request bodies."""
    api = {
        f"api {i}": hostile_json.api_body(b)
        for i, b in enumerate(hostile_json.request_bodies(openapi))
    }
    assert "api 0" in api, "the API takes no body any more: see JSON_BODIES"
    searches = {
        "search" if i == 0 else f"search {i}": hostile_json.scim_search(text)
        for i, text in enumerate(hostile_json.SCIM_FILTERS)
    }
    return {
        "POST": {"user": hostile_json.scim_user(1, manager), **searches, **api},
        "PUT": {"user": hostile_json.scim_user(2, manager)},
        "PATCH": {"patch": hostile_json.scim_patch(manager), **api},
    }


def first_pass(poster: Poster, every: list[Endpoint], values: hostile.Values) -> None:
    """Every endpoint x role once (first_request), and each endpoint once more without a
    CSRF token; each failure reduced as it is found."""
    first_json = [
        json.dumps(
            {k: hostile.HOSTILE[i % len(hostile.HOSTILE)] for i, k in enumerate(values.json_keys)}
        ).encode(),
        *hostile_json.RAW_JSON,
    ]
    n = 0
    for endpoint in every:
        for role in endpoint.roles:
            request = first_request(endpoint, n, values.catalog, first_json)
            key = poster.send(endpoint, role, request)
            if key is not None and poster.failures[key].count == 1:
                poster.reduce(endpoint, role, request, key)
            n += 1
        request = first_request(endpoint, n, values.catalog, first_json)
        poster.send(
            endpoint, endpoint.roles[n % len(PEOPLE_ROLES)], replace(request, csrf="missing")
        )
    poster.learning = False


def json_value_pass(poster: Poster, every: list[Endpoint], values, party: tuple) -> None:
    """Each value of each plausible JSON body (JSON_BODIES) replaced in turn by each of
    hostile_json.CONFUSING: SCIM as the administrator's token, the API as `party` (role, path:
    an action of theirs in a signed conversation, where an update is taken)."""
    by_name = {e.name: e for e in every}
    for name, methods in JSON_BODIES.items():
        endpoint = by_name[name]
        role, path = party if name.startswith("api:") else (BEARER, endpoint.paths[0])
        for method, shape in methods.items():
            body = values.shapes[method][shape]
            for where in hostile_json.leaves(body):
                for value in hostile_json.CONFUSING:
                    spoiled = hostile_json.encode_json(hostile_json.spoiled(body, where, value))
                    request = Request(method, path, spoiled, "application/json", {})
                    poster.send(endpoint, role, request)


def drawn_requests(poster: Poster, every: list[Endpoint], values: hostile.Values) -> None:
    """EXAMPLES requests Hypothesis draws: half at the endpoint x role pairs that got past
    access in the first pass, half at any; each with the fields its view read there and
    the fields of the forms it names (what it reads on another branch)."""
    pairs = [(e, role) for e in every for role in e.roles]
    reached = [(e, role) for e, role in pairs if (e.name, role) in poster.reached]
    fields = {e.name: frozenset(poster.read.get(e.name, set()) | e.form_fields) for e in every}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],  # failures are collected and reduced here, not raised
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(st.data())
    def hostile_requests(data):
        endpoint, role = data.draw(st.sampled_from(pairs) | st.sampled_from(reached))
        home = poster.reached.get((endpoint.name, role))
        request = data.draw(request_for(endpoint, fields[endpoint.name], values, home))
        key = poster.send(endpoint, role, request)
        if key is not None and poster.failures[key].count == 1:
            poster.reduce(endpoint, role, request, key)

    hostile_requests()
    # The control: the fields were learned, or the bodies would miss the forms.
    assert {"text", "version"} <= fields["note_save"]
    assert {"first_name", "email", "unit"} <= fields["person_create"]


@pytest.mark.django_db
def test_hostile_posts_never_fail_and_never_change_anything_when_refused(world):
    world, roles, bearer = world
    started = time.perf_counter()
    every = endpoints(world.ids())
    values = hostile_values(world.ids())
    fingerprint = Fingerprint(
        skip_tables=SKIP_TABLES, skip_columns=SKIP_COLUMNS, new_rows_allowed=NEW_ROWS_ALLOWED
    )
    poster = Poster(roles, bearer, fingerprint)
    # Thousands of refusals are logged as warnings, and each 500 with its traceback: the
    # failures are collected and reported below instead.
    logging.disable(logging.CRITICAL)
    action = Action.objects.filter(
        goal__conversation=world.conversations["A"], employee=roles["employee"]
    ).first()
    party = ("employee", reverse("api:action_update", args=[action.pk]))
    try:
        with fingerprint.bookkeeping_counted(*BOOKKEEPING):
            first_pass(poster, every, values)
            json_value_pass(poster, every, values, party)
            first = time.perf_counter() - started
            drawn_requests(poster, every, values)
    finally:
        logging.disable(logging.NOTSET)

    pairs = [(e.name, role) for e in every for role in e.roles]
    print(
        f"\nhostile posts: {len(every)} endpoints, {len(pairs)} endpoint x role pairs, "
        f"{sum(poster.posted.values())} requests in {time.perf_counter() - started:.1f}s "
        f"(first pass {first:.1f}s); statuses {dict(sorted(poster.statuses.items()))}; "
        f"fields read at {sum(1 for e in every if poster.read.get(e.name))} endpoints, "
        f"{len(poster.reached)} endpoint x role pairs past access; error answers "
        f"{sum(poster.errors.values())} ({dict(poster.errors)}), the database compared "
        f"after {poster.compared} of them (the others wrote nothing)"
    )
    assert all(poster.posted[pair] for pair in pairs)
    assert not poster.failures, poster.report()


@pytest.mark.django_db
def test_the_fingerprint_sees_a_change_and_lets_bookkeeping_pass(people):
    """The control: a fingerprint that saw nothing would pass every request above."""
    fingerprint = Fingerprint(
        skip_tables=SKIP_TABLES, skip_columns=SKIP_COLUMNS, new_rows_allowed=NEW_ROWS_ALLOWED
    )
    before, writes = fingerprint.baseline(), fingerprint.writes()
    for write, changed in (
        (lambda: audit_log(actor=None, action="login.failed"), set()),
        (lambda: audit_log(actor=people.hr, action="person.update"), {"core_auditentry"}),
        (
            lambda: Person.objects.filter(pk=people.employee.pk).update(job_title="x"),
            {"org_person"},
        ),
    ):
        with transaction.atomic():
            write()
            assert fingerprint.writes() > writes
            assert set(fingerprint.changes(before)) == changed
            transaction.set_rollback(True)
    assert fingerprint.changes(before) == {}


@pytest.mark.django_db
def test_a_change_behind_a_refusal_is_reported(people, monkeypatch):
    """The control for the whole chain (the answer, the count of rows written, the
    fingerprint): a service that writes and then refuses with a message is caught."""
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    conversation = lifecycle.conversation_plan(
        actor=people.leader,
        employee=people.employee,
        leader=people.leader,
        guide_version=Guide.objects.get(key="skjema-8-tema").versions.get(),
        scheduled_at=timezone.now() + timedelta(days=10),
    )

    def writes_then_refuses(*, actor, **kwargs):
        Person.objects.filter(pk=actor.pk).update(job_title="Endret")
        raise DomainError("Nei")

    monkeypatch.setattr(lifecycle, "conversation_postpone", writes_then_refuses)
    fingerprint = Fingerprint(
        skip_tables=SKIP_TABLES, skip_columns=SKIP_COLUMNS, new_rows_allowed=NEW_ROWS_ALLOWED
    )
    poster = Poster({"leader": people.leader}, "", fingerprint)
    endpoint = Endpoint("conversation_postpone", "", [], [], False, False, set())
    path = reverse("conversation_postpone", args=[conversation.pk])
    form = "application/x-www-form-urlencoded"
    with fingerprint.bookkeeping_counted(*BOOKKEEPING):
        poster.send(endpoint, "leader", Request("POST", path, b"reason=Syk", form, {}))
    assert [f.kind for f in poster.failures.values()] == ["changed on an error answer"]
