"""What a municipality may not be given is refused, by the same rules for the environment (the
home tenant's settings) and for `tenants create/configure` (a registered tenant's): the
declarations in samtale.tenancy.configurable. A value refused changes nothing, and the operator
is told which value and why."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samtale.operators import services

pytestmark = pytest.mark.django_db(databases=["default", "control"])

ROOT = Path(__file__).resolve().parents[3]


def _provider(**changed) -> str:
    provider: dict[str, Any] = {
        "provider_id": "nordvik-id",
        "name": "Nordvik ID",
        "client_id": "c",
        "secret": "s",
        "settings": {"server_url": "https://id.nordvik.example"},
    }
    settings = {**provider["settings"], **changed.pop("settings", {})}
    return json.dumps([{**provider, **changed, "settings": settings}])


# (name, value, what the refusal says): each tried with `tenants configure`, and those that
# are read from the environment there too.
CONFIGURED = [
    ("SAMTALE_RETAIN_NOTES_MONTHS", "-1", "must be between 1 and 600, not -1"),
    ("SAMTALE_RETAIN_NOTES_MONTHS", "0", "must be between 1 and 600, not 0"),
    ("SAMTALE_RETAIN_LEAVERS_YEARS", "900", "must be between 1 and 50, not 900"),
    ("SAMTALE_RETAIN_NOTES_MONTHS", "tolv", "must be a whole number, not 'tolv'"),
    ("SAMTALE_MIN_GROUP", "2", "must be between 3 and 100, not 2"),
    ("SAMTALE_MIN_GROUP", "1", "must be between 3 and 100, not 1"),
    ("SAMTALE_CONVERSATION_INTERVAL_MONTHS", "0", "must be between 1 and 120, not 0"),
    ("SAMTALE_PASSWORD_SIGNIN", "kanskje", "is yes or no"),
    ("SAMTALE_ARCHIVE_CHANNEL", "email", 'must be one of "download", "folder", "fiks"'),
    ("SAMTALE_ARCHIVE_PERSON_KEY", "name", 'must be one of "employee_number"'),
    ("SAMTALE_ORGANIZATION_NUMBER", "315987653", "modulus 11"),
    ("SAMTALE_ORGANIZATION_NUMBER", "12345", "9 digits"),
    ("DEFAULT_FROM_EMAIL", "Nordvik <ikke-en-adresse>", "must be an address"),
    ("DEFAULT_FROM_EMAIL", "Nordvik <a@b.example>\r\nBcc: x@y.example", "control characters"),
    ("SAMTALE_CALENDAR_ADDRESS", "kalender", "must be an e-mail address"),
    ("SAMTALE_CALENDAR_ADDRESS", "javascript:alert(1)", "must be an e-mail address"),
    ("SAMTALE_CALENDAR_IMAP_URL", "https://mail.nordvik.example/", "imaps:// or imap://"),
    ("SAMTALE_CALENDAR_WEBHOOK_TOKEN", "short", "at least 32 characters"),
    ("SAMTALE_BUSY_KEY", "not-a-fernet-key", "Fernet key"),
    ("SAMTALE_FIKS_ACCOUNT", "konto-1", "must be a UUID"),
    ("SAMTALE_FIKS_ARCHIVE_ACCOUNT", "'; DROP TABLE x;--", "must be a UUID"),
    ("SAMTALE_FIKS_INTEGRATION_ID", "integrasjon-1", "must be a UUID"),
    ("SAMTALE_FIKS_TRANSPORT", "smtp", 'must be one of "fiksio", "amqp"'),
    ("SAMTALE_FIKS_ENVIRONMENT", "staging", 'must be one of "production", "test"'),
    ("SAMTALE_FIKS_API_URL", "http://api.fiks.ks.no", "must be https://"),
    ("SAMTALE_FIKS_AMQP_URL", "https://io.fiks.ks.no", "must begin with amqps://"),
    ("SAMTALE_FIKS_AMQP_URL", "amqp://io.fiks.ks.no:5671", "amqp:// only on this machine"),
    ("SAMTALE_FIKS_AMQP_URL", "amqps://guest:guest@io.fiks.ks.no", "no user or password"),
    ("SAMTALE_FIKS_MASKINPORTEN_URL", "javascript:alert(1)", "https:// address"),
    ("SAMTALE_FIKS_ARKIV_VERSION", "v9", 'must be one of "v1"'),
    ("SAMTALE_ARCHIVE_FOLDER", "../../../../etc", "must be a whole path from / (no ..)"),
    ("SAMTALE_ARCHIVE_FOLDER", "/srv/arkiv/../../etc", "must be a whole path from / (no ..)"),
]
# Only a registered tenant's: a list of identity providers (the home tenant's come from
# SAMTALE_SSO and SSO_<NAME>_*, checked by the same rules, below).
PROVIDERS = [
    (_provider(settings={"server_url": "javascript:alert(1)"}), "https:// address"),
    (_provider(settings={"server_url": "http://id.nordvik.example"}), "must be https://"),
    (_provider(settings={"server_url": "https://user:pw@id.example"}), "user name or password"),
    (_provider(settings={"link": "name"}), "'employee_number:<claim>'"),
    (_provider(provider_id="../admin"), "provider's id"),
    ("[{]", "is JSON"),
    ('{"provider_id": "x"}', "is a list of"),
]
# Host names and addresses a tenant may not be given (`tenants create`).
HOSTS = [
    "nordvik .example",
    "nordvik.example:8443",
    "[::1]",
    "::1",
    "http://nordvik.example",
    "nordvik_example.no",
    "-nordvik.example",
    "NORDVIK.example/",
]
URLS = [
    "javascript:alert(1)",
    "ftp://nordvik.example",
    "https://user:pw@nordvik.example",
    "http://nordvik.example",
    "https://nordvik example/",
]


@pytest.mark.parametrize(("name", "value", "said"), CONFIGURED)
def test_tenants_configure_refuses_and_changes_nothing(nordvik, name, value, said):
    before = services.Registration.objects.get(slug="nordvik").config
    with pytest.raises(CommandError, match=_escaped(said)):
        call_command("tenants", "configure", "nordvik", f"{name}={value}")
    assert services.Registration.objects.get(slug="nordvik").config == before


@pytest.mark.parametrize(("value", "said"), PROVIDERS)
def test_its_identity_providers_are_refused_where_they_make_no_sense(nordvik, value, said):
    with pytest.raises(services.TenantError, match=_escaped(said)):
        services.tenant_configure("nordvik", {"SAMTALE_SSO_PROVIDERS": value})
    assert "SAMTALE_SSO_PROVIDERS" not in services.Registration.objects.get(slug="nordvik").config


def test_what_does_not_hold_together_is_refused_whole(nordvik):
    before = services.Registration.objects.get(slug="nordvik").config
    with pytest.raises(services.TenantError, match="needs SAMTALE_ARCHIVE_FOLDER"):
        services.tenant_configure("nordvik", {"SAMTALE_ARCHIVE_CHANNEL": "folder"})
    with pytest.raises(services.TenantError, match="needs SAMTALE_FIKS_ACCOUNT"):
        services.tenant_configure(
            "nordvik", {"SAMTALE_ARCHIVE_CHANNEL": "fiks", "SAMTALE_MIN_GROUP": "9"}
        )
    # On KS's Fiks IO (the default): its integration and its number too, the consumer_org.
    with pytest.raises(
        services.TenantError, match="SAMTALE_FIKS_INTEGRATION_PASSWORD, SAMTALE_ORGANIZATION_NUMBER"
    ):
        services.tenant_configure("nordvik", {"SAMTALE_ARCHIVE_CHANNEL": "fiks"})
    with pytest.raises(services.TenantError, match="needs SAMTALE_FIKS_MASKINPORTEN_PRIVATE_KEY"):
        services.tenant_configure("nordvik", {"SAMTALE_FIKS_MASKINPORTEN_CLIENT_ID": "egen"})
    with pytest.raises(services.TenantError, match="cannot be unset"):
        services.tenant_configure("nordvik", {"DEFAULT_FROM_EMAIL": ""})
    with pytest.raises(services.TenantError, match="nobody could sign in"):
        services.tenant_configure("nordvik", {"SAMTALE_PASSWORD_SIGNIN": "false"})
    assert services.Registration.objects.get(slug="nordvik").config == before


@pytest.mark.parametrize("host", HOSTS)
def test_a_host_name_that_is_none_is_refused(tenant_databases, host):
    with pytest.raises(services.TenantError, match="is not a host name"):
        _create(hosts=[host])
    assert not services.Registration.objects.filter(slug="x9").exists()


@pytest.mark.parametrize("url", URLS)
def test_an_address_that_is_none_is_refused(tenant_databases, url):
    with pytest.raises(services.TenantError, match="The tenant's address"):
        _create(url=url)
    assert not services.Registration.objects.filter(slug="x9").exists()


def test_a_tenant_without_a_sender_is_not_made(tenant_databases):
    with pytest.raises(services.TenantError, match="must configure DEFAULT_FROM_EMAIL"):
        services.tenant_create(slug="x9", name="X", hosts=["x9.testserver"])


def _create(*, hosts=("x9.testserver",), url=""):
    return services.tenant_create(
        slug="x9",
        name="X",
        hosts=list(hosts),
        url=url,
        config={"DEFAULT_FROM_EMAIL": "X <samtale@x9.example>"},
    )


def _escaped(text: str) -> str:
    import re

    return re.escape(text)


def test_the_environment_refuses_the_same_values_with_the_same_words():
    """The home tenant's settings, read from the environment, go through the same
    declarations: every value above, given at once, is named by the settings' check, with
    the words `tenants configure` used."""
    # One value per name (the environment holds one); the first of each.
    given = {}
    for name, value, said in CONFIGURED:
        if "\r" not in value:  # an environment variable holds no line break
            given.setdefault(name, (value, said))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SAMTALE_", "DEFAULT_FROM"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        **{name: value for name, (value, _said) in given.items()},
        "SAMTALE_SSO": "entra",
        "SSO_ENTRA_ISSUER": "javascript:alert(1)",
        "SSO_ENTRA_CLIENT_ID": "c",
        "SSO_ENTRA_SECRET": "s",
    }
    code = (
        "from config.settings.env import PROBLEMS; import json; "
        "print(json.dumps([message for _code, message, _hint in PROBLEMS]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import config.settings; " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    problems = "\n".join(json.loads(done.stdout.strip().splitlines()[-1]))
    for name, (value, said) in given.items():
        assert f"{name} " in problems and said in problems, (name, value, said)
    assert "SSO_ENTRA_*: entra's issuer must be an https:// address" in problems
    print(f"\n{len(CONFIGURED) + len(PROVIDERS) + len(HOSTS) + len(URLS) + 3} refused inputs tried")
