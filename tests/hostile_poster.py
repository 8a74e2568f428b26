"""The hostile posts' machinery (tests/test_hostile_posts.py): the endpoints and the
requests sent to them, a client per role, each request in a savepoint rolled back after it,
the judgement of its answer, and the failures, reduced to what makes them.
"""

import contextlib
import copy
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field, replace

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, get_resolver, resolve, reverse

from testkit.people import ROLES
from tests import hostile
from tests.content_paths.walk import KWARG, _kind, _patterns, every_url
from tests.fingerprint import Fingerprint

# The fixed people and anonymous, and the archive staff. The REST API and SCIM are also
# called with an administrator's service token: SCIM takes no other credential.
PEOPLE_ROLES = [*ROLES, "archivist"]
BEARER = "admin_token"
# Path values where the route takes an id or a name: none of them exist.
STRANGE = {
    "int": [0, 999_999_999, 2**63, 10**25],
    "slug": ["ukjent", "-", "a" * 500],
    "str": ["ukjent", "' OR 1=1 --", "\u202e", "..", "%00", "a" * 2000, "-1", " 1", "²", "9" * 30],
}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
# A form shown again with its errors: the error summary (templates/includes/
# error_summary.html), or a field Django marks invalid.
ERRORS_SHOWN = re.compile(rb'<ds-error-summary|aria-invalid="true"')


@dataclass(repr=False)
class Endpoint:
    name: str
    route: str
    paths: list[str]  # with the world's ids: other people's objects and one's own
    strange: list[str]  # with ids that do not exist, and odd path segments
    json: bool  # the REST API and SCIM: JSON bodies, and PUT and PATCH as well as POST
    csrf_exempt: bool
    form_fields: set[str]  # of the form classes its view names (hostile.view_form_fields)

    def __repr__(self) -> str:
        return self.name  # the paths are long, and Hypothesis shows what it draws

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis's printer
        printer.text(self.name)

    @property
    def roles(self) -> list[str]:
        return [*PEOPLE_ROLES, BEARER] if self.json else PEOPLE_ROLES


@dataclass
class Request:
    method: str
    path: str
    body: bytes
    content_type: str
    headers: dict
    csrf: str = "off"  # "off": the test client's way; "missing", "false": enforced
    pairs: list | None = None  # a form body's fields, to encode again when reducing it
    encoding: str = ""

    def shown(self) -> str:
        data = self.pairs if self.pairs is not None else self.body
        return f"{self.encoding or self.content_type}: {hostile.describe(data, 900)}"


@dataclass
class Failure:
    kind: str
    endpoint: str
    role: str
    request: Request
    status: int
    detail: str
    count: int = 1
    seen_at: set = field(default_factory=set)  # (endpoint, role) it happened at

    def __str__(self) -> str:
        r = self.request
        csrf = {"off": "", "missing": ", no CSRF token", "false": ", a false CSRF token"}[r.csrf]
        others = sorted(self.seen_at - {(self.endpoint, self.role)})
        also = (
            f"\n    also at: {', '.join(f'{e} as {role}' for e, role in others)}" if others else ""
        )
        return (
            f"{self.kind}: {self.endpoint} as {self.role} ({self.count}x): "
            f"{r.method} {hostile.describe(r.path, 200)} -> {self.status}{csrf}\n"
            f"    headers: {r.headers}\n    body: {r.shown()}\n    {self.detail}{also}"
        )


def endpoints(ids: dict) -> list[Endpoint]:
    """Every pattern of the URL resolver, with paths filled from `ids` (every_url fails on a
    route whose ids it cannot tell) and with ids that do not exist."""
    real: dict[str, list[str]] = {}
    for name, path in every_url(ids):
        real.setdefault(name, []).append(path)
    found, unfilled = [], []
    for name, route in _patterns(get_resolver().url_patterns):
        kinds = {kwarg: _kind(route, kwarg) for kwarg in KWARG.findall(route)}
        converters = {kwarg: converter or "str" for converter, kwarg in CONVERTER.findall(route)}
        strange = []
        if kinds:
            base = {kwarg: (ids[kind] or [1])[0] for kwarg, kind in kinds.items()}
            for kwarg in kinds:
                for value in STRANGE.get(converters.get(kwarg, "str"), STRANGE["str"]):
                    with contextlib.suppress(NoReverseMatch):  # not a value the route takes
                        strange.append(reverse(name, kwargs={**base, kwarg: value}))
        paths = real.get(name, [])
        if not paths and not strange:
            unfilled.append(route)
            continue
        view = resolve((paths or strange)[0]).func
        found.append(
            Endpoint(
                name=name,
                route=route,
                paths=paths,
                strange=strange,
                json=name.startswith(("api:", "scim_")),
                csrf_exempt=getattr(view, "csrf_exempt", False),
                form_fields=hostile.view_form_fields(view),
            )
        )
    assert not unfilled, f"these routes got no path to post to (no ids of their kind): {unfilled}"
    return found


def error_answer(response) -> str | None:
    """What makes the answer an error, or None: a 4xx, a redirect with an error message, or
    the form again with its errors (the error summary, or a field marked invalid)."""
    status = response.status_code
    if status >= 400:
        return str(status)
    morsel = response.cookies.get(CookieStorage.cookie_name)
    if morsel is not None and morsel.value:
        stored = CookieStorage(HttpRequest())._decode(morsel.value) or []
        if any(message.level >= messages.ERROR for message in stored):
            return f"{status} with an error message"
    if status == 200 and not response.streaming and ERRORS_SHOWN.search(response.content):
        return "200 with the form's errors"
    return None


def _parsable(request: Request) -> bool:
    """Whether Django can read the request's body as a form (only a multipart body can
    fail: the others are read leniently, and none here is over the size limits)."""
    if not request.content_type.startswith("multipart/"):
        return True
    made = RequestFactory().generic(
        request.method, request.path, request.body, content_type=request.content_type
    )
    try:
        made.POST  # noqa: B018 - reading it parses the body
    except Exception:
        return False
    return True


def _exception(exc_info) -> tuple[str, str]:
    """(where it was raised, in the app if it went through it; the last lines of the
    traceback)."""
    kind, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    ours = [f for f in frames if "/samtale/" in f.filename and "/.venv/" not in f.filename]
    at = (ours or frames)[-1]
    where = f"{kind.__name__} at {at.filename.split('/work/main/')[-1]}:{at.lineno}"
    lines = traceback.format_exception(kind, value, tb)
    return where, "".join(lines[-4:]).strip().replace("\n", "\n    ")


class Poster:
    """Signed-in clients for every role (and twins that enforce CSRF), each request in a
    savepoint rolled back after it, and what went wrong."""

    def __init__(self, people: dict, bearer: str, fingerprint: Fingerprint):
        self.plain, self.enforcing, self.cookies = {}, {}, {}
        for role, person in people.items():
            for clients, enforce in ((self.plain, False), (self.enforcing, True)):
                client = Client(enforce_csrf_checks=enforce, raise_request_exception=False)
                if person is not None:
                    client.force_login(person)
                clients[role] = client
                self.cookies[id(client)] = copy.deepcopy(client.cookies)
        self.bearer = bearer
        self.fingerprint = fingerprint
        self.baseline = fingerprint.baseline()
        self.failures: dict[tuple, Failure] = {}
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()  # the error answers, by kind
        self.compared = 0  # error answers after which a fingerprint was taken and compared
        self.posted: Counter = Counter()  # (endpoint, role) -> requests
        self.read: dict[str, set[str]] = {}  # endpoint -> the names its view read
        # (endpoint, role) -> a path where the role got past access to the form (or, in the
        # API and SCIM, to the body): where Hypothesis spends half its examples.
        self.reached: dict[tuple[str, str], str] = {}
        self.counting = True  # False while a failure is reduced: those requests are extra
        # True in the first pass: what the views read, and where, is learned there and then
        # fixed (what Hypothesis draws from must not change while it draws).
        self.learning = True

    def send(self, endpoint: Endpoint, role: str, request: Request) -> tuple | None:
        """Send, judge, roll back. The failure's signature, or None."""
        if request.csrf == "off" and not endpoint.csrf_exempt and not _parsable(request):
            # The test client skips the CSRF check; a server does not, and the check reads
            # the body first: one it cannot parse is answered 400 before any view runs.
            request = replace(request, csrf="false")
        client = (self.plain if request.csrf == "off" else self.enforcing)[
            "anonymous" if role == BEARER else role
        ]
        headers = dict(request.headers)
        if role == BEARER:
            headers["Authorization"] = f"Bearer {self.bearer}"
        if request.csrf == "false":
            client.cookies["csrftoken"] = "A" * 32
            headers["X-CSRFToken"] = "B" * 32
        if self.counting:
            self.posted[(endpoint.name, role)] += 1
        try:
            with transaction.atomic():
                try:
                    writes = self.fingerprint.writes()
                    with hostile.names_read() as read:
                        response = client.generic(
                            request.method,
                            request.path,
                            request.body,
                            content_type=request.content_type,
                            headers=headers,
                        )
                    if self.learning:
                        self.read.setdefault(endpoint.name, set()).update(read)
                        past_access = response.status_code not in (401, 403, 404, 405)
                        if read or (endpoint.json and past_access):
                            self.reached.setdefault((endpoint.name, role), request.path)
                    found = self._judge(endpoint, request, response, writes)
                finally:
                    transaction.set_rollback(True)
        except Exception as error:  # the test client itself raised: the request never answered
            where, lines = _exception((type(error), error, error.__traceback__))
            found = ("raised", where, 0, lines)
        finally:
            client.cookies = copy.deepcopy(self.cookies[id(client)])
        if found is None:
            return None
        kind, signature, status, detail = found
        # A crash is one bug wherever it is reached from (a helper every view calls); the
        # rest are each endpoint's own.
        key = (kind, signature) if kind in ("5xx", "raised") else (kind, endpoint.name, signature)
        if not self.counting:
            return key
        if key in self.failures:
            self.failures[key].count += 1
        else:
            self.failures[key] = Failure(
                kind, endpoint.name, role, request, status, f"{signature}\n    {detail}"
            )
        self.failures[key].seen_at.add((endpoint.name, role))
        return key

    def _judge(self, endpoint: Endpoint, request: Request, response, writes: int) -> tuple | None:
        status = response.status_code
        if self.counting:
            self.statuses[status] += 1
        if response.exc_info or status >= 500:
            where, lines = _exception(response.exc_info) if response.exc_info else (str(status), "")
            return ("5xx", where, status, lines)
        # Without a valid token: 403 (a body that cannot be parsed is refused with 400 as
        # the CSRF check reads it, before any view runs).
        refused = (403,) if _parsable(request) else (403, 400)
        if request.csrf != "off" and not endpoint.csrf_exempt and status not in refused:
            return ("not refused without a valid CSRF token", status, status, "")
        error = error_answer(response)
        if error is None:
            return None
        self.errors[error.split(" ", 1)[0] if error[0] == "4" else error] += 1
        try:
            if self.fingerprint.writes() == writes:
                return None
            self.compared += 1
            changed = self.fingerprint.changes(self.baseline)
        except DatabaseError as e:  # the request left its transaction unusable
            return ("database error after the answer", type(e).__name__, status, str(e)[:300])
        if changed:
            detail = f"answer: {error}; changed: " + "\n      ".join(
                f"{table}: {rows}" for table, rows in sorted(changed.items())
            )
            return ("changed on an error answer", tuple(sorted(changed)), status, detail)
        return None

    def reduce(self, endpoint: Endpoint, role: str, request: Request, key: tuple) -> None:
        """Take out the form fields and headers the failure does not need, so the report
        shows the few that make it: first every field the view did not read, then one
        field or header at a time."""
        read = self.read.get(endpoint.name, set())
        self.counting = False
        try:
            if request.pairs is not None:
                fewer = [p for p in request.pairs if p[0] in read]
                if len(fewer) < len(request.pairs):
                    request = self._smaller(endpoint, role, request, key, pairs=fewer)
                i = 0
                while i < len(request.pairs):
                    pairs = request.pairs[:i] + request.pairs[i + 1 :]
                    smaller = self._smaller(endpoint, role, request, key, pairs=pairs)
                    i += smaller is request
                    request = smaller
            for name in list(request.headers):
                headers = {k: v for k, v in request.headers.items() if k != name}
                request = self._smaller(endpoint, role, request, key, headers=headers)
        finally:
            self.counting = True

    def _smaller(self, endpoint, role, request: Request, key: tuple, **changes) -> Request:
        """The request with `changes` if it fails the same way (and is reported so), else
        the request as it was."""
        smaller = replace(request, **changes)
        if "pairs" in changes:
            smaller.body, smaller.content_type = hostile.encode_form(
                smaller.pairs, smaller.encoding
            )
        if self.send(endpoint, role, smaller) != key:
            return request
        self.failures[key].request = smaller
        return smaller

    def report(self) -> str:
        return f"{len(self.failures)} kinds of failure:\n" + "\n".join(
            str(f) for f in self.failures.values()
        )
