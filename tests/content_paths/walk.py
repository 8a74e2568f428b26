"""Every URL with every id, and the pages and forms as a browser uses them."""

import itertools
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.conversations.models import Conversation
from samtale.core import holidays
from samtale.guides.models import Guide
from samtale.notifications.models import OutboundEmail
from samtale.org.models import ImportBatch, Person
from samtale.org.pickers import person_label
from samtale.org.tests.import_rows import PEOPLE_HEADER, csv_file, roster
from tests.content_paths.world import (
    ADMIN_MAILBOX,
    exposed,
    mail_text,
    markers_in,
)

# Every URL -------------------------------------------------------------------------

# The kind of object a route's <pk> names, by the route's beginning (longest first).
PK_KINDS = [
    # The REST API (samtale.api): its ids in the path, read by the same policy as the pages.
    ("api/v1/conversations/<pk>", "conversation"),
    ("api/v1/actions/<pk>", "action"),
    ("api/v1/people/<pk>", "person"),
    ("api/v1/rounds/<pk>/", "round"),
    ("profil/api-nokler/<int:pk>/", "api_token"),
    # A copy of a person's data HR asked for, waiting in their account: theirs alone.
    ("profil/innsyn/<int:pk>/", "access_copy"),
    # The copy of one's own data as a page: the person's own id.
    ("profil/opplysninger/<int:pk>/", "person"),
    ("runder/deltakere/<int:pk>/", "participant"),
    ("runder/tid/<int:pk>/", "window"),
    ("runder/<int:pk>/", "round"),
    ("samtaler/<int:pk>/", "conversation"),
    ("behov/<int:pk>/", "need"),
    ("mal/<int:pk>/", "goal"),
    # The workplace's goals for the year (priorities): not a conversation's content.
    ("enhetsmal/<int:pk>/", "priority"),
    ("tiltak/<int:pk>/", "action"),
    ("personer/endringer/epost/<int:pk>/", "email_change"),
    ("personer/<int:pk>/", "person"),
    ("oppfolging/ny-leder/<int:pk>/", "leader_change"),
    ("oppfolging/<int:pk>/", "person"),
    ("enheter/<int:pk>/", "unit"),
    ("import/<int:pk>/", "import"),
    ("maler/<int:pk>/", "guide"),
    ("skjema/<int:pk>", "signed_form"),
    ("arkiv/<int:pk>/", "delivery"),
    ("scim/v2/Users/", "person"),
    # allauth.mfa's passkeys: one's own only (a stranger's id is not found).
    ("konto/tofaktor/webauthn/keys/<int:pk>/", "authenticator"),
]
OTHER_KINDS = {
    "leader_pk": "person",
    "theme_key": "theme",
    "uidb64": "uid",
    "token": "token",
    "kind": "import_kind",
    "name": "mail_file",
    "pitfall": "pitfall",
    "source": "pick_source",
    "raised_pk": "raised_need",
    "type_id": "scim_resource_type",
    "schema_id": "scim_schema",
    "provider_id": "sso_provider",
    "page": "help_page",
    "action": "action",
}
KWARG = re.compile(r"<(?:\w+:)?(\w+)>")

# The query strings pages read: filters, pages (?side=), tabs (?vis=).
QUERIES = {
    "person_list": ["status=all", "q=Testesen", "unit={unit}", "side=2"],
    "role_changes": ["vis=epost", "vis=roller", "side=2", "vis=epost&side=2"],
    "import_detail": ["side=2"],
    "shared_conclusions": ["side=2"],
    "conversation_create": ["medarbeider={person}"],
    "round_list": ["side=2"],
    "round_detail": ["state=signed", "state=removed", "holder={person}", "side=2"],
    "round_progress": ["ledere=2", "enheter=2"],
    "round_coverage": ["which=overdue", "which=close", "unit={unit}", "side=2"],
    "follow_up": ["status=overdue", "responsible=both&deadline=30", "deadline=none"],
    "follow_up_person": ["status=overdue", "status=in_progress"],
    "summary_revisions": ["fra=1&til=2", "fra=2&til=1", "fra=1&til=1", "fra=x"],
    "follow_up_pitfall": ["side=2", "mine=1", "mine=1&side=2"],
    "pitfall_list": ["side=2"],
    "pick": ["q=Testesen", "q={person}", "runde=1&q=a"],
    "need_list": ["unit={unit}", "status=new", "format=csv", "format=xlsx&table=needs"],
    "likert_results": ["format=csv", "format=xlsx"],
    "leadership_feedback": ["format=csv"],
    "rating_fairness": ["format=csv"],
    "audit_search": [
        "person={person}",
        "kind=conversation.read",
        "since=01.01.2026&until=31.12.2027",
        "since=x",
        "side=2",
    ],
    "my_reads": ["side=2"],
}
HTMX = {"HX-Request": "true"}


def _patterns(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            # The REST API's names are namespaced ("api:…"): reverse() needs the namespace.
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield namespace + (p.name or ""), prefix + str(p.pattern)


def _kind(route: str, kwarg: str) -> str | None:
    if kwarg == "pk":
        return next((kind for start, kind in PK_KINDS if route.startswith(start)), None)
    return OTHER_KINDS.get(kwarg)


def every_url(ids: dict[str, list], *, only_these_kinds=False) -> list[tuple[str, str]]:
    """(url name, path) for every pattern × every id of each kwarg's kind.

    `only_these_kinds`: just the patterns that take an id and whose kwargs are all in `ids`.
    """
    urls, unknown = [], []
    for name, route in _patterns(get_resolver().url_patterns):
        kwargs = KWARG.findall(route)
        kinds = [_kind(route, k) for k in kwargs]
        if only_these_kinds and (not kinds or not set(kinds) <= ids.keys()):
            continue
        if None in kinds:
            unknown.append(route)
            continue
        for values in itertools.product(*(ids[kind] for kind in kinds)):
            urls.append((name, reverse(name, kwargs=dict(zip(kwargs, values, strict=True)))))
    assert not unknown, f"say which kind of id these routes take (PK_KINDS, OTHER_KINDS): {unknown}"
    return urls


def every_request(urls, *, fill: dict, posts=True):
    """(method, path, headers) for each URL: GET plain and htmx, GET with the query strings
    the page reads (filled with `fill`'s unit and person), and an empty POST, plain and htmx."""
    for name, path in urls:
        yield "GET", path, {}
        yield "GET", path, HTMX
        for query in QUERIES.get(name, []):
            yield "GET", f"{path}?{query.format(**fill)}", {}
            yield "GET", f"{path}?{query.format(**fill)}", HTMX
        if posts:
            yield "POST", path, {}
            yield "POST", path, HTMX


@dataclass
class Walk:
    leaks: list[tuple[str, str, str]] = field(default_factory=list)  # (method, url, marker)
    signed_out: list[tuple[str, str]] = field(default_factory=list)  # (method, url)
    statuses: dict[tuple[str, str], int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0

    def report(self) -> str:
        """One line per request that leaked: method, URL and the markers it showed."""
        found: dict[tuple[str, str], set[str]] = {}
        for method, url, marker in self.leaks:
            found.setdefault((method, url), set()).add(marker)
        lines = [f"{m} {url}: {', '.join(sorted(ms))}" for (m, url), ms in sorted(found.items())]
        return f"{len(lines)} requests showed content:\n" + "\n".join(lines)

    def assert_clean(self, who: str) -> None:
        assert self.signed_out == [], f"the walk lost the session of {who}: {self.signed_out}"
        if self.leaks:
            pytest.fail(f"{who}: {self.report()}", pytrace=False)

    def count(self, *statuses) -> int:
        return sum(1 for s in self.statuses.values() if s in statuses)


def walk(person, requests) -> Walk:
    """Send every request as `person`, signed in again after a POST that signed them out.

    A request sent to the sign-in page instead means the walk lost its session: it is
    recorded, so a walk that saw nothing because nobody was signed in cannot pass.
    """
    person = Person.objects.get(pk=person.pk)  # the current password hash signs the session
    client = Client(raise_request_exception=False)
    client.force_login(person)
    login = reverse("login")
    result = Walk()
    started = time.perf_counter()
    for method, path, headers in requests:
        send = client.post if method == "POST" else client.get
        response = send(path, headers=headers)
        label = method + (" htmx" if headers else "")
        result.requests += 1
        result.statuses[(label, path)] = response.status_code
        result.leaks += [(label, path, marker) for marker in markers_in(exposed(response))]
        if method == "POST" and "_auth_user_id" not in client.session:
            client.force_login(person)
        elif (response.get("Location") or response.get("HX-Redirect") or "").startswith(login):
            result.signed_out.append((label, path))
            client.force_login(person)
    result.seconds = time.perf_counter() - started
    return result


def admin_mail_leaks(people, addresses=()) -> list[tuple[str, str]]:
    """(kind or subject, marker) in what was queued for or sent to the administrator, as a
    person or at a mailbox they read (ADMIN_MAILBOX and `addresses`)."""
    mine = {people.admin.email.lower(), ADMIN_MAILBOX, *addresses}
    leaks = []
    for record in OutboundEmail.objects.filter(to=people.admin):
        text = f"{record.subject} {record.ref} {record.to_email} {record.last_error}"
        leaks += [(record.kind, marker) for marker in markers_in(text)]
    for record in OutboundEmail.objects.filter(to_email__in=mine):
        leaks += [(record.kind, marker) for marker in markers_in(str(record.ref))]
    for message in mail.outbox:
        if mine & {a.lower() for a in [*message.to, *message.cc, *message.bcc]}:
            leaks += [(message.subject, marker) for marker in markers_in(mail_text(message))]
    return leaks


# Pages and forms, as a browser uses them -------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser submits from each <form method=post> of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._form = None
        self._select = None  # [name, first option, chosen option, disabled]
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
        if self._form is None:
            return
        disabled = "disabled" in a
        if tag == "input" and a.get("name") and not disabled:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.append((a["name"], a.get("value") or "on"))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self._form.append((a["name"], a.get("value") or ""))
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None, disabled]
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                self._select[2] = value
        elif tag == "textarea" and a.get("name") and not disabled:
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            name, first, chosen, disabled = self._select
            if not disabled and (chosen or first) is not None:
                self._form.append((name, chosen if chosen is not None else first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def page_form(response, field_name: str) -> dict[str, str]:
    """The post form on the page that has `field_name`, as a browser would submit it."""
    reader = FormReader()
    reader.feed(response.content.decode())
    for form in reader.forms:
        if any(name == field_name for name, _value in form):
            return dict(form)
    raise AssertionError(f"no form with {field_name} on the page")


def person_form(client, changes: dict, person: Person | None = None) -> dict[str, str]:
    """The person page's form as the browser submits it, with `changes` typed in.
    A None in `changes` unticks a box (leaves it out)."""
    url = reverse("person_edit", args=[person.pk]) if person else reverse("person_create")
    data = page_form(client.get(url), "first_name")
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def person_save(client, person: Person, data: dict):
    """The person form sent as a browser sends it: a new line manager that moves open
    conversations or actions asks first (org.views.person_edit), and is confirmed."""
    url = reverse("person_edit", args=[person.pk])
    response = client.post(url, data)
    if response.status_code == 200 and 'name="handover_seen"' in response.content.decode():
        response = client.post(url, page_form(response, "first_name"))
    return response


def new_person(key: str, **extra) -> dict:
    return {
        "first_name": key.capitalize(),
        "last_name": "Ny",
        "email": f"{key}.ny@test.example",
        "employment_type": "permanent",
        "language": "nb",
        "is_active": "on",
        **extra,
    }


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def people_file(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("ansatte.csv", csv_file(PEOPLE_HEADER, *rows), "text/csv")


def import_people(client, rows):
    """Upload a people file and apply it, as the import pages do; the batch."""
    response = client.post(reverse("import_start"), {"kind": "people", "file": people_file(rows)})
    batch = ImportBatch.objects.order_by("-pk").first()
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(reverse("import_apply", args=[batch.pk]))
    return ImportBatch.objects.get(pk=batch.pk)


def change_address(admin: Client, person: Person, address: str, *, via: str) -> None:
    if via == "form":
        response = admin.post(
            reverse("person_edit", args=[person.pk]),
            person_form(admin, {"email": address}, person),
        )
        assert response.status_code == 302
    else:
        number = person.employee_number
        rows = [[*r[:3], address, *r[4:]] if r[0] == number else r for r in roster()]
        assert import_people(admin, rows).status == ImportBatch.Status.APPLIED
    assert Person.objects.get(pk=person.pk).email == address


def conversation_pages(pk: int) -> list[str]:
    """Every URL of one conversation, its goals and its actions."""
    ids = {
        "conversation": [pk],
        "goal": list(Goal.objects.filter(conversation=pk).values_list("pk", flat=True)),
        "action": list(Action.objects.filter(goal__conversation=pk).values_list("pk", flat=True)),
        "theme": ["motivasjon"],
    }
    return [path for _name, path in every_url(ids, only_these_kinds=True)]


def take_over(mailboxes: set[str], username: str, on_commit) -> Client | None:
    """What the administrator can do with the mail that reaches the mailboxes they read:
    press every "confirm the new password" link, choose a password through every reset link,
    and sign in with it. The signed-in client if that worked, else None."""
    browser = Client()
    for message in [m for m in mail.outbox if mailboxes & set(m.to)]:
        if "/passord/bekreft/" in message.body:
            with on_commit(execute=True):  # the reset it lets through is mailed at once
                browser.post(link_in(message, "/passord/bekreft/"))
    password = "chosen-by-the-admin-9"
    for message in [m for m in mail.outbox if mailboxes & set(m.to)]:
        if "/passord/ny/" in message.body:
            response = browser.get(link_in(message, "/passord/ny/"), follow=True)
            if response.redirect_chain:  # a valid link leads on to the form
                form = response.redirect_chain[-1][0]
                browser.post(form, {"new_password1": password, "new_password2": password})
    response = browser.post(reverse("login"), {"username": username, "password": password})
    return browser if response.status_code == 302 else None


def plan_conversation(leader: Client, employee: Person, guide: Guide) -> Conversation:
    """The leader plans a conversation with the employee on the planning page, on the first
    working day a month ahead (a day off would ask to confirm)."""
    url = reverse("conversation_create")
    day = holidays.working_day(timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y")
    plan = page_form(leader.get(url), "employee") | {
        "employee": str(employee.pk),
        "employee_sok": person_label(employee),  # what the combobox shows once chosen
        "guide": str(guide.pk),
        "date": day,
        "time": "10:00",
        "duration_minutes": "90",
    }
    response = leader.post(url, plan)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Conversation.objects.order_by("-pk").first()


def link_in(message, path_start: str) -> str:
    """The path of the link in `message` that starts with `path_start`."""
    link = next(word for word in message.body.split() if path_start in word)
    return link.split("testserver", 1)[1]


def assert_no_conversation_reads(world, admin):
    """Every page of the employee's conversations, their goals and actions: not found, for
    the method it answers (the other one is 405)."""
    answers = {}
    for key in ("A", "B", "C", "E"):
        for path in conversation_pages(world.conversations[key]):
            for method in ("get", "post"):
                response = getattr(admin, method)(path)
                assert markers_in(exposed(response)) == [], path
                answers.setdefault(path, set()).add(response.status_code)
    wrong = {
        path: codes for path, codes in answers.items() if 404 not in codes or codes - {404, 405}
    }
    assert answers and not wrong, wrong
