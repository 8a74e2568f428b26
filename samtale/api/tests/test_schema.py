"""Schemathesis against the app's own OpenAPI schema, in-process through the WSGI app: every
operation, with a token of every scope the operation needs and without one, with data that
fits the schema and data that does not. No answer may be a server error, have a status the
schema does not declare, or a body that does not match the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from samtale.api.tests.helpers import signed_with_action, token_for

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 20  # per operation, caller and kind of data: bounded, the run takes seconds


@pytest.fixture
def in_process(db):
    """The WSGI handler closes the database connection at each request's start and end, which
    would end the test's transaction: Django's own test client leaves that out, and so here."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def schema(in_process):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _operations():
    """(operation, whether it takes any input): read once at collection, without a database."""
    from samtale.api.main import api

    spec = api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (f"{method.upper()} {path}", bool(op.get("parameters") or op.get("requestBody")))
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    ]


OPERATIONS = _operations()
# Data that fits the schema from each kind of caller; data that does not (where there is
# input to break) from a party and from HR. Without a token the answer is 401 whatever is
# sent: authentication comes before the parameters are read.
RUNS = [
    pytest.param(operation, caller, mode, id=f"{operation}-{caller}-{mode}")
    for operation, takes_input in OPERATIONS
    for caller, mode in [
        ("anonymous", "positive"),
        ("employee", "positive"),
        ("hr", "positive"),
        ("hr", "negative"),
    ]
    if mode == "positive" or takes_input
]


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) == 14
    assert {run.values[0] for run in RUNS} == {operation for operation, _ in OPERATIONS}


@pytest.mark.parametrize(("operation", "caller", "mode"), RUNS)
def test_no_server_error_and_no_undocumented_answer(
    schema, people, operation, caller, mode, settings_override
):
    conversation, action = signed_with_action(people)
    method, path = operation.split(" ", 1)
    api_operation = schema[path][method]
    headers = {}
    if caller != "anonymous":
        headers["Authorization"] = f"Bearer {token_for(people.by_role(caller))}"
    # The employee asks for their own objects, so that the answers with content (and the
    # update's refusals and successes) are checked against the schema too; HR for any id.
    own = {
        "/api/v1/conversations/{pk}": conversation.pk,
        "/api/v1/actions/{pk}": action.pk,
        "/api/v1/people/{pk}": people.employee.pk,
    }
    path_parameters = {"pk": own[path]} if caller == "employee" and path in own else None
    strategy = api_operation.as_strategy(
        generation_mode=schemathesis.GenerationMode(mode),
        headers=headers,
        path_parameters=path_parameters,
    )
    seen = []

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call()
        seen.append(response.status_code)
        case.validate_response(response, checks=CHECKS)

    run()
    assert seen, "no request was sent"
    if caller == "anonymous":
        assert set(seen) <= {401, 413}, seen


@pytest.fixture
def settings_override(settings):
    # Fuzzing sends many requests a minute with one token: the limit is tested on its own.
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
