"""What ties a municipality to the world outside is its own (operators.services:
accounts_checked, servers_checked): an account another municipality has (its sender,
mailbox, calendar address, webhook token, organization number, Fiks account, archive
folder) is refused, archive folders stay inside SAMTALE_ARCHIVE_ROOT, and the servers
Samtale's server connects to for a municipality (its mailbox, its identity providers) are
not inside the installation's own network unless the operator allows it. Tried with
`tenants configure` and `create` as an operator would, in Nordvik beside the installation's
own tenant ("main")."""

import ipaddress
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samtale.core import outbound
from samtale.notifications.inbox import ImapMailbox
from samtale.operators import services
from samtale.operators.tests.conftest import SENDER
from samtale.tenancy.models import Registration

pytestmark = pytest.mark.django_db(databases=["default", "control"])

TOKEN = "t" * 40
ACCOUNT = "5a3f7c21-6b1e-4e0f-9d53-3c2f1b8a7e02"


def _config(slug: str) -> dict:
    return Registration.objects.get(slug=slug).config


def _refused(slug: str, values: dict[str, str], said: str) -> None:
    before = _config(slug)
    with pytest.raises(services.TenantError, match=said):
        services.tenant_configure(slug, values)
    assert _config(slug) == before


def _provider(server_url: str) -> str:
    return json.dumps(
        [
            {
                "provider_id": "nordvik-id",
                "name": "Nordvik ID",
                "client_id": "c",
                "secret": "s",
                "settings": {"server_url": server_url},
            }
        ]
    )


# (setting, main's value, Nordvik's clashing value): the same account, however written.
ACCOUNTS = [
    (
        "DEFAULT_FROM_EMAIL",
        "Fjordvik kommune <samtale@fjordvik.example>",
        "Nordvik <SAMTALE@fjordvik.example>",
    ),
    ("SAMTALE_CALENDAR_ADDRESS", "kalender@fjordvik.example", "Kalender@Fjordvik.example"),
    (
        "SAMTALE_CALENDAR_IMAP_URL",
        "imaps://kalender:pw1@mail.fjordvik.example/INBOX",
        "imaps://Kalender:other@MAIL.fjordvik.example:993/Samtale",
    ),
    ("SAMTALE_CALENDAR_WEBHOOK_TOKEN", TOKEN, TOKEN),
    ("SAMTALE_ORGANIZATION_NUMBER", "974760673", "974 760 673"),
    ("SAMTALE_FIKS_ACCOUNT", ACCOUNT, ACCOUNT.upper()),
]


@pytest.mark.parametrize(("name", "mine", "theirs"), ACCOUNTS, ids=[a[0] for a in ACCOUNTS])
def test_an_account_another_tenant_has_is_refused(nordvik, name, mine, theirs):
    services.tenant_configure("main", {name: mine})
    _refused("nordvik", {name: theirs}, f"{name}: .* is main's already: two tenants cannot share")


@pytest.mark.parametrize(("name", "mine", "theirs"), ACCOUNTS, ids=[a[0] for a in ACCOUNTS])
def test_the_installations_own_tenant_may_not_take_one_of_anothers(nordvik, name, mine, theirs):
    services.tenant_configure("nordvik", {name: theirs})
    _refused("main", {name: mine}, f"{name}: .* is nordvik's already")


def test_a_secret_account_is_not_shown_in_the_refusal(nordvik):
    services.tenant_configure("main", {"SAMTALE_CALENDAR_WEBHOOK_TOKEN": TOKEN})
    with pytest.raises(services.TenantError) as refused:
        services.tenant_configure("nordvik", {"SAMTALE_CALENDAR_WEBHOOK_TOKEN": TOKEN})
    assert TOKEN not in str(refused.value) and "the value given" in str(refused.value)


def test_a_calendar_address_made_from_a_sender_is_an_account_too(nordvik):
    """Nordvik's calendar address follows its sender unless set: main may not take it."""
    _refused("main", {"SAMTALE_CALENDAR_ADDRESS": SENDER.split("<")[1].rstrip(">")}, "nordvik's")


def test_a_new_tenant_with_another_tenants_sender_is_not_made(tenant_databases):
    with pytest.raises(CommandError, match="DEFAULT_FROM_EMAIL: 'samtale@localhost' is main's"):
        call_command(
            "tenants",
            "create",
            "sorvik",
            "--name",
            "Sørvik kommune",
            "--host",
            "sorvik.testserver",
            "--set",
            "DEFAULT_FROM_EMAIL=Sørvik <samtale@localhost>",
        )
    assert not Registration.objects.filter(slug="sorvik").exists()


def test_an_account_of_a_deleted_tenant_is_free_and_one_already_held_is_not_asked_again(nordvik):
    services.tenant_configure("main", {"SAMTALE_ORGANIZATION_NUMBER": "974760673"})
    Registration.objects.filter(slug="main").update(state="deleted")
    services.tenant_configure("nordvik", {"SAMTALE_ORGANIZATION_NUMBER": "974760673"})
    Registration.objects.filter(slug="main").update(state="active")
    # Both hold it now (as before this rule): configuring something else is not refused.
    services.tenant_configure("nordvik", {"SAMTALE_MIN_GROUP": "7"})
    assert _config("nordvik")["SAMTALE_MIN_GROUP"] == 7


def test_an_archive_folder_stays_inside_the_root_and_out_of_anothers(nordvik, settings, tmp_path):
    root = tmp_path / "arkiv"
    (root / "nordvik").mkdir(parents=True)
    (root / "fjordvik").mkdir()
    (root / "ut").symlink_to(tmp_path)
    folder = {"SAMTALE_ARCHIVE_FOLDER": str(root / "nordvik")}
    settings.SAMTALE_ARCHIVE_ROOT = ""
    _refused("nordvik", folder, "SAMTALE_ARCHIVE_ROOT, the folder .* which is not set")
    settings.SAMTALE_ARCHIVE_ROOT = str(root)
    _refused(
        "nordvik", {"SAMTALE_ARCHIVE_FOLDER": "/etc"}, "'/etc' is not inside SAMTALE_ARCHIVE_ROOT"
    )
    _refused("nordvik", {"SAMTALE_ARCHIVE_FOLDER": str(root)}, "is not inside")
    _refused("nordvik", {"SAMTALE_ARCHIVE_FOLDER": str(root / "ut")}, "its links followed")
    with pytest.raises(CommandError, match=r"whole path from / \(no \.\.\)"):
        call_command("tenants", "configure", "nordvik", f"SAMTALE_ARCHIVE_FOLDER={root}/../../etc")
    services.tenant_configure("main", {"SAMTALE_ARCHIVE_FOLDER": str(root / "fjordvik")})
    _refused(
        "nordvik", {"SAMTALE_ARCHIVE_FOLDER": str(root / "fjordvik")}, "is main's archive folder"
    )
    _refused(
        "nordvik",
        {"SAMTALE_ARCHIVE_FOLDER": str(root / "fjordvik" / "inne")},
        "inside or around it",
    )
    services.tenant_configure("nordvik", folder)
    assert _config("nordvik")["SAMTALE_ARCHIVE_FOLDER"] == str(root / "nordvik")


SERVERS = [
    ("SAMTALE_CALENDAR_IMAP_URL", "imaps://k:p@169.254.169.254:993/INBOX", "169.254.169.254"),
    ("SAMTALE_CALENDAR_IMAP_URL", "imaps://k:p@127.0.0.1/INBOX", "127.0.0.1"),
    ("SAMTALE_CALENDAR_IMAP_URL", "imap://k:p@localhost/INBOX", "localhost is"),
    ("SAMTALE_CALENDAR_IMAP_URL", "imaps://k:p@[::ffff:10.0.0.5]/INBOX", "10.0.0.5"),
    ("SAMTALE_SSO_PROVIDERS", _provider("https://10.20.0.5/realms/x"), "10.20.0.5"),
    ("SAMTALE_SSO_PROVIDERS", _provider("https://[fd00::1]/"), "fd00::1"),
]


@pytest.mark.parametrize(("name", "value", "said"), SERVERS)
def test_a_server_inside_the_installations_network_is_refused(nordvik, settings, name, value, said):
    settings.SAMTALE_OUTBOUND_ALLOWED_NETWORKS = []
    _refused("nordvik", {name: value}, f"{name}: .*{said}.*SAMTALE_OUTBOUND_ALLOWED_NETWORKS")


def test_a_network_the_operator_allows_is_taken_and_a_name_that_does_not_resolve_too(
    nordvik, settings
):
    settings.SAMTALE_OUTBOUND_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    services.tenant_configure("nordvik", {"SAMTALE_SSO_PROVIDERS": _provider("https://10.20.0.5/")})
    # Resolved when connected to (the mailbox's reader, below).
    services.tenant_configure(
        "nordvik", {"SAMTALE_CALENDAR_IMAP_URL": "imaps://k:p@mail.nordvik.example/INBOX"}
    )
    assert "SAMTALE_CALENDAR_IMAP_URL" in _config("nordvik")


def test_the_mailbox_reader_connects_to_no_address_inside_unless_allowed(settings):
    """At the connection, whatever the configuration held then (a name that resolves to
    loopback since): refused before any byte is sent; allowed, it connects (and finds no
    server on port 1)."""
    mailbox = ImapMailbox("imap://k:p@127.0.0.1:1/INBOX", timeout=5)
    settings.SAMTALE_OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(outbound.Refused, match="127.0.0.1 is 127.0.0.1"):
        mailbox.read_new(lambda raw: None)
    settings.SAMTALE_OUTBOUND_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]
    with pytest.raises(ConnectionRefusedError):
        mailbox.read_new(lambda raw: None)
