"""The cross-tenant attack: text planted in one tenant (the home tenant, "Fjordvik"), then,
as every role of the other (Nordvik) on its own host, every URL the app serves (the access
matrix's rows: pages, exports, the API and SCIM, with the first tenant's ids), the first
tenant's API and SCIM tokens, one-time links, session and webhook token. Nothing of the
first may appear: an id answers 404, 403 or the requesting tenant's own object of that
number, never the other's."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from samtale.accounts import services as account_services
from samtale.accounts.tokens import password_reset_token
from samtale.actions.models import Action, Goal
from samtale.api import tokens
from samtale.needs.models import Need, RaisedNeed
from samtale.operators import services
from samtale.operators.tests.conftest import HOST
from samtale.org.models import EmailChange, Person, Unit
from samtale.priorities.models import Priority
from samtale.rounds.models import Window
from testkit.people import ROLES, make_archivist, make_people, make_union_rep
from tests.access_matrix.objects import objects_for, with_objects
from tests.test_access_matrix import MATRIX, _send, _url

pytestmark = pytest.mark.django_db(databases=["default", "control"])

MARK = "Qz7Fjordvik"
EVERY_OBJECT = {"a": "round", "b": "signed_form"}  # with_objects makes them all


def _plant() -> None:
    """The first tenant's unique text, in every name and text its objects show."""
    for person in Person.objects.all():
        Person.objects.filter(pk=person.pk).update(
            first_name=f"{MARK}{person.pk}", last_name=f"{MARK}-{person.last_name}"
        )
    for model, field in (
        (Unit, "name"),
        (Goal, "text"),
        (Action, "text"),
        (Need, "text"),
        (RaisedNeed, "text"),
        (Priority, "title"),
        (Window, "place"),
    ):
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field: f"{MARK} {model.__name__} {pk}"})


def _tenant():
    people = make_people()
    extra = {"archivist": make_archivist(people), "union_rep": make_union_rep(people)}
    objects = with_objects(objects_for(people), people, EVERY_OBJECT)
    return people, extra, objects


def _leaks(response) -> list[str]:
    found = []
    if MARK.encode() in response.content:
        found.append("content")
    if MARK in response.get("Location", "") or MARK in str(response.headers):
        found.append("headers")
    return found


@pytest.fixture
def first(db):
    people, extra, objects = _tenant()
    _plant()
    return people, extra, objects


@pytest.fixture
def second(in_nordvik, hosts):
    """Nordvik's people (the same roles), its own objects of the same kinds (an id of the
    first tenant's may be one of Nordvik's: then Nordvik's answers, which is allowed), and
    a signed-in client for each role, on its host."""
    with in_nordvik():
        people = make_people()
        extra = {"archivist": make_archivist(people), "union_rep": make_union_rep(people)}
        with_objects(objects_for(people), people, {"a": "round"})  # no signed form's PDF
        clients = {}
        for role in [*ROLES, *extra]:
            client = Client(HTTP_HOST=HOST)
            person = extra.get(role) or people.by_role(role)
            if person is not None:
                client.force_login(person)
            clients[role] = client
    return people, clients


def test_no_url_of_the_second_tenant_shows_the_firsts_rows_to_any_of_its_roles(first, second):
    _people, _extra, objects = first
    _theirs, clients = second
    tried = {"pages": 0, "exports": 0, "api": 0, "scim": 0}
    leaks, errors = [], []
    for name, kwargs, method, _expected, *data in MATRIX:
        url = _url(name, kwargs, objects)
        kind = _kind(name)
        for role, client in clients.items():
            response = _send(client, method, url, data[0] if data else {})
            tried[kind] += 1
            if where := _leaks(response):
                leaks.append(f"{method.upper()} {url} as {role}: {', '.join(where)}")
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url} as {role}: {response.status_code}")
    print(f"cross-tenant crawl: {tried}, {len(clients)} roles, {len(leaks)} leaks")
    assert not leaks
    assert not errors


def _kind(name: str) -> str:
    if name.startswith("api:"):
        return "api"
    if name.startswith("scim"):
        return "scim"
    if re.search(r"export|download|pdf|csv|xlsx|copy|package|ics", name):
        return "exports"
    return "pages"


@pytest.fixture
def both(db, in_nordvik, hosts):
    """Only the people, in both tenants (the first's planted)."""
    people = make_people()
    _plant()
    with in_nordvik():
        make_people()
    return people


def test_the_first_tenants_credentials_open_nothing_on_the_second(both):
    people = both
    person = people.hr
    person.email = "planted-hr@fjordvik.example"  # make_people gives both tenants the same
    person.set_password("fjordvik-only-password-1")
    person.save()
    raw = tokens.issue(
        person=people.admin,
        name="SCIM",
        scopes=["read", "write", "scim"],
        days=5,
        kind="service",
        by=people.admin,
    ).raw
    assert (
        Client().get("/scim/v2/Users", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 200
    )
    bearer = {"Authorization": f"Bearer {raw}"}
    there = Client(HTTP_HOST=HOST)

    # The API and SCIM with the first tenant's token: 401, naming no one.
    for path in (
        "/api/v1/me",
        "/api/v1/actions",
        "/scim/v2/Users",
        "/scim/v2/ServiceProviderConfig",
    ):
        response = there.get(path, headers=bearer)
        assert response.status_code == 401, path
        assert not _leaks(response)

    # Its password, at the second tenant's sign-in: refused.
    response = there.post(
        "/logg-inn/", {"username": person.email, "password": "fjordvik-only-password-1"}
    )
    assert response.status_code == 200 and not _leaks(response)

    # Its session cookie: no one is signed in on the second tenant's host.
    here = Client()
    here.force_login(person)
    response = here.get("/", HTTP_HOST=HOST)
    assert response.status_code == 302 and "/logg-inn/" in response["Location"]


def test_the_first_tenants_one_time_links_are_no_links_on_the_second(both):
    """A password reset and an e-mail change's confirmation, made in the first tenant."""
    people = both
    person = people.hr
    there = Client(HTTP_HOST=HOST)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    reset = reverse("password_reset_confirm", args=[uid, password_reset_token.make_token(person)])
    response = there.get(reset, follow=True)
    assert not _leaks(response)
    assert b'name="new_password1"' not in response.content
    change = EmailChange.objects.create(
        person=person,
        old_email=person.email,
        new_email="ny@fjordvik.example",
        changed_by=people.admin,
    )
    Person.objects.filter(pk=person.pk).update(email=change.new_email)
    confirm = reverse(
        "password_reset_old_address", args=[account_services.reset_confirm_token(change)]
    )
    for response in (there.get(confirm), there.post(confirm)):
        assert response.status_code == 400 and not _leaks(response)
    change.refresh_from_db()
    assert change.confirmed_at is None


def test_a_webhook_token_is_its_own_tenants(both, settings, nordvik):
    settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN = "fjordvik-webhook-token-123456-abcdef"
    services.tenant_configure(
        "nordvik", {"SAMTALE_CALENDAR_WEBHOOK_TOKEN": "nordvik-webhook-token-654321-abcdef"}
    )
    try:
        url = reverse("calendar_inbound")
        mail = b"From: a@b.example\r\nSubject: x\r\n\r\nhei\r\n"

        def post(host, token):
            return Client(HTTP_HOST=host).post(
                url,
                mail,
                content_type="message/rfc822",
                headers={"Authorization": f"Bearer {token}"},
            )

        assert post(HOST, "fjordvik-webhook-token-123456-abcdef").status_code == 401
        assert post("testserver", "nordvik-webhook-token-654321-abcdef").status_code == 401
        assert post(HOST, "nordvik-webhook-token-654321-abcdef").status_code in (204, 413)
    finally:
        services.tenant_configure("nordvik", {"SAMTALE_CALENDAR_WEBHOOK_TOKEN": ""})
    assert django_settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN
