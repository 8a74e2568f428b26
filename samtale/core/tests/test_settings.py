"""The settings refuse to run production on laptop defaults, and name every value that makes
no sense at once: `manage.py check` lists them, and a web process will not start with any."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


# config/settings_test.py sets these in this process; a production process has none of them.
TEST_ONLY = {
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SAMTALE_REQUIRE_MFA",
    "SAMTALE_ORGANIZATION_NUMBER",
}


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in TEST_ONLY}


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = _clean_env()
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


LOAD = "import django; django.setup(); from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
GOOD_SECRET = "k" * 30 + "-production-secret-0123456789abcdef"
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": GOOD_SECRET,
    "ALLOWED_HOSTS": "samtale.example.no",
    "SITE_URL": "https://samtale.example.no",
    "SAMTALE_ORGANIZATION_NUMBER": "315987652",
    # An operator's public key (age): backups and exports are sealed for it.
    "SAMTALE_BACKUP_RECIPIENTS": "age14h3c5qxkk4wwgxsmmduc89e99c5a7pd4tnuv8u35kqrjgvh7qs8q6qean7",
}


@pytest.mark.parametrize(
    "secret",
    ["", "django-insecure-samtale-laptop-only", "short-secret"],
    ids=["none", "dev-key", "short"],
)
def test_production_refuses_to_start_without_a_real_secret(secret):
    result = _run(LOAD, DEBUG="false", SECRET_KEY=secret, ALLOWED_HOSTS="samtale.example.no")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_secret_s_refusal_names_the_settings_other_problems_too():
    result = _run(LOAD, **{**PRODUCTION, "SECRET_KEY": "short", "SAMTALE_MIN_GROUP": "2"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "(samtale.E011) SAMTALE_MIN_GROUP must be between 3 and 100, not 2." in result.stderr


def test_production_hashes_passwords_with_argon2():
    result = _run(LOAD, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_laptop_starts_with_debug_and_no_secret():
    result = _run(LOAD, DEBUG="true")
    assert result.returncode == 0, result.stderr


def _check_deploy(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **_clean_env(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "sqlite:///:memory:",
            **PRODUCTION,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def _checked(**env) -> str:
    """What `check --deploy` says of the production settings changed by `env`; it must fail."""
    result = _check_deploy(**env)
    assert result.returncode != 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_check_deploy_lists_every_problem_of_the_settings_at_once():
    said = _checked(
        SAMTALE_MIN_GROUP="2", LOG_FORMAT="xml", SAMTALE_RETAIN_NOTES_MONTHS="tolv", SITE_URL=""
    )
    assert "(samtale.E011) SAMTALE_MIN_GROUP must be between 3 and 100, not 2." in said
    assert """(samtale.E012) LOG_FORMAT must be one of "json", "text", not 'xml'.""" in said
    assert "(samtale.E010) SAMTALE_RETAIN_NOTES_MONTHS must be a whole number, not 'tolv'." in said
    assert "(samtale.E001) SITE_URL must be set in production" in said
    assert "System check identified 4 issues" in said


# One value that makes no sense of each kind, and what `check --deploy` says of it.
NO_SENSE = [
    ({"ALLOWED_HOSTS": ""}, "(samtale.E014) ALLOWED_HOSTS must be set in production"),
    ({"SAMTALE_MIN_GROUP": "2"}, "(samtale.E011) SAMTALE_MIN_GROUP must be between 3 and 100"),
    ({"TRUSTED_PROXIES": "10.0.0.5,proxy.kommune.no"}, "(samtale.E013) TRUSTED_PROXIES:"),
    ({"SAMTALE_CALENDAR_WEBHOOK_TOKEN": "short"}, "(samtale.E017) SAMTALE_CALENDAR_WEBHOOK"),
    (
        {"SAMTALE_READY_REQUIRES": "worker", "SAMTALE_HEARTBEAT_SECONDS": "0"},
        "(samtale.E018) SAMTALE_READY_REQUIRES needs heartbeats",
    ),
    ({"SAMTALE_ARCHIVE_CHANNEL": "folder"}, "(samtale.E020) SAMTALE_ARCHIVE_CHANNEL=folder"),
    (
        {
            "SAMTALE_ARCHIVE_CHANNEL": "fiks",
            "SAMTALE_FIKS_ACCOUNT": "5a3f7c21-6b1e-4e0f-9d53-3c2f1b8a7e01",
            "SAMTALE_FIKS_CERTIFICATE": "/etc/samtale/fiks.crt",
            "SAMTALE_FIKS_PRIVATE_KEY": "/etc/samtale/fiks.key",
            "SAMTALE_FIKS_ARCHIVE_ACCOUNT": "9c4e2b17-3d8a-4f61-8a0e-7b5d2c9f4a02",
            "SAMTALE_FIKS_ARCHIVE_CERTIFICATE": "/etc/samtale/arkiv.crt",
        },
        "(samtale.E020) SAMTALE_ARCHIVE_CHANNEL=fiks needs SAMTALE_FIKS_INTEGRATION_ID, "
        "SAMTALE_FIKS_INTEGRATION_PASSWORD.",
    ),
    ({"SAMTALE_FIKS_AMQP_URL": "amqp://io.fiks.ks.no"}, "(samtale.E010) SAMTALE_FIKS_AMQP_URL"),
    (
        {"SAMTALE_MASKINPORTEN_CLIENT_ID": "x"},
        "(samtale.E020) SAMTALE_MASKINPORTEN_CLIENT_ID needs",
    ),
    ({"SAMTALE_ARCHIVE_FILE_MODE": "rw-r-----"}, "(samtale.E021) SAMTALE_ARCHIVE_FILE_MODE"),
    ({"SAMTALE_SSO": "entra"}, "(samtale.E022) SAMTALE_SSO names 'entra', but SSO_ENTRA_"),
    ({"SAMTALE_PASSWORD_SIGNIN": "false"}, "(samtale.E024) SAMTALE_PASSWORD_SIGNIN is off"),
    (
        {
            "SAMTALE_ACCESSIBILITY_CONTACT": "Samtale@Kommune.no",
            "DEFAULT_FROM_EMAIL": "Kommunen <samtale@kommune.no>",
        },
        "(samtale.E034) SAMTALE_ACCESSIBILITY_CONTACT is DEFAULT_FROM_EMAIL's address",
    ),
    (
        {"SAMTALE_ACCESSIBILITY_CHECKED": "28.11.2026"},
        "(samtale.E010) SAMTALE_ACCESSIBILITY_CHECKED must be a date written 2026-11-28",
    ),
]


@pytest.mark.parametrize(("env", "said"), NO_SENSE, ids=[next(iter(env)) for env, _ in NO_SENSE])
def test_a_value_that_makes_no_sense_is_an_error_of_the_checks(env, said):
    assert said in _checked(**env)


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_a_web_process_refuses_to_start_with_problems_of_the_settings_naming_them_all(entry):
    problems = {"SAMTALE_MIN_GROUP": "2", "SAMTALE_ARCHIVE_CHANNEL": "post"}
    result = _run(f"import {entry}", **PRODUCTION, **problems)
    assert result.returncode != 0
    assert "The settings have problems" in result.stderr
    assert "(samtale.E011) SAMTALE_MIN_GROUP" in result.stderr
    assert "(samtale.E012) SAMTALE_ARCHIVE_CHANNEL" in result.stderr
    assert _run(f"import {entry}", **PRODUCTION).returncode == 0


def test_the_deployment_checks_are_clean_in_production():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("site_url", "check"),
    [
        ("http://samtale.example.no", "samtale.W001"),
        ("https://127.0.0.1:8000", "samtale.W002"),
        ("https://samtale.other.example", "samtale.W003"),
    ],
    ids=["not-https", "loopback", "not-an-allowed-host"],
)
def test_the_deployment_checks_name_a_site_url_that_would_send_people_astray(site_url, check):
    result = _check_deploy(SITE_URL=site_url)
    assert result.returncode != 0
    assert check in result.stdout + result.stderr


def test_the_deployment_checks_ask_for_trusted_proxies_behind_a_proxy():
    result = _check_deploy(BEHIND_TLS_PROXY="true")
    assert "samtale.W004" in result.stdout + result.stderr
    assert _check_deploy(BEHIND_TLS_PROXY="true", TRUSTED_PROXIES="10.0.0.5").returncode == 0


def test_the_deployment_checks_ask_for_a_key_to_seal_backups_for():
    assert "samtale.W006" in _checked(SAMTALE_BACKUP_RECIPIENTS="")
    assert "(samtale.E035) SAMTALE_BACKUP_RECIPIENTS: 'age1-no-key' is not an age public key" in (
        _checked(SAMTALE_BACKUP_RECIPIENTS="age1-no-key")
    )


def test_production_refuses_to_send_e_mail_in_clear_unless_told():
    said = _checked(EMAIL_HOST="smtp.kommune.no", EMAIL_USE_TLS="false")
    assert "(samtale.E036) EMAIL_USE_TLS and EMAIL_USE_SSL are off" in said
    assert "(samtale.E036) EMAIL_USE_TLS and EMAIL_USE_SSL are both on" in _checked(
        EMAIL_USE_TLS="true", EMAIL_USE_SSL="true"
    )
    told = _check_deploy(EMAIL_HOST="127.0.0.1", EMAIL_USE_TLS="false", EMAIL_ALLOW_CLEAR="true")
    assert told.returncode == 0, told.stdout + told.stderr


def test_the_deployment_checks_ask_for_the_organization_number():
    result = _check_deploy(SAMTALE_ORGANIZATION_NUMBER="")
    assert result.returncode != 0
    assert "samtale.W005" in result.stdout + result.stderr


@pytest.mark.parametrize("wrong", ["31598765", "315987653", "92123456x"])
def test_an_organization_number_is_nine_digits_with_a_valid_check_digit(wrong):
    said = _checked(SAMTALE_ORGANIZATION_NUMBER=wrong)
    assert "(samtale.E019) SAMTALE_ORGANIZATION_NUMBER must be the 9 digits" in said
    assert f"not '{wrong}'" in said


def test_an_organization_number_may_be_written_with_spaces():
    assert _check_deploy(SAMTALE_ORGANIZATION_NUMBER="315 987 652").returncode == 0


def test_the_demo_has_a_fictional_valid_organization_number_and_production_none():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr(s.SAMTALE_ORGANIZATION_NUMBER))"
    )
    environment = {k: v for k, v in PRODUCTION.items() if k != "SAMTALE_ORGANIZATION_NUMBER"}
    assert _run(code, **environment).stdout.strip() == "''"
    assert _run(code, DEBUG="true").stdout.strip() == "'315987652'"


def test_hsts_preload_and_subdomains_are_opt_in():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    assert _run(code, **PRODUCTION).stdout.split() == ["63072000", "False", "False"]
    opted_in = _run(
        code, **PRODUCTION, SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_HSTS_PRELOAD="true"
    )
    assert opted_in.stdout.split() == ["63072000", "True", "True"]


def test_production_cookies_are_secure_and_httponly():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.TIME_ZONE)"
    )
    result = _run(code, **PRODUCTION)
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "Europe/Oslo"]


def test_an_outbox_lease_shorter_than_a_slow_send_is_an_error(settings):
    from samtale.core.checks import outbox_lease_check

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": {"timeout": 20}}}
    settings.OUTBOX_LEASE_SECONDS = 60
    assert [problem.id for problem in outbox_lease_check(None)] == ["samtale.E002"]
    settings.OUTBOX_LEASE_SECONDS = 80
    assert outbox_lease_check(None) == []


def test_a_value_that_makes_no_sense_is_noted_and_the_default_kept(monkeypatch):
    from config.settings import env

    monkeypatch.setattr(env, "PROBLEMS", [])
    monkeypatch.setenv("SAMTALE_X_DAYS", "sju")
    monkeypatch.setenv("SAMTALE_X_MONTHS", "700")
    monkeypatch.setenv("SAMTALE_X_CHANNEL", "Folder")
    monkeypatch.setenv("SAMTALE_X_NETWORKS", "10.0.0.0/8,intranett,2001:db8::/32")
    assert env.envint("SAMTALE_X_DAYS", 7) == 7
    assert env.envint("SAMTALE_X_MONTHS", 12, low=1, high=600) == 12
    assert env.envchoice("SAMTALE_X_CHANNEL", "download", ("download", "folder")) == "folder"
    assert [str(net) for net in env.envnetworks("SAMTALE_X_NETWORKS")] == [
        "10.0.0.0/8",
        "2001:db8::/32",
    ]
    assert [(code, message.split()[0]) for code, message, _hint in env.PROBLEMS] == [
        ("samtale.E010", "SAMTALE_X_DAYS"),
        ("samtale.E011", "SAMTALE_X_MONTHS"),
        ("samtale.E013", "SAMTALE_X_NETWORKS:"),
    ]


def test_the_settings_problems_are_errors_and_stop_a_web_process(settings):
    from django.core.exceptions import ImproperlyConfigured

    from samtale.core.checks import refuse_settings_problems, settings_check

    settings.SETTINGS_PROBLEMS = [
        ("samtale.E011", "SAMTALE_MIN_GROUP must be between 3 and 100, not 2.", ""),
        ("samtale.E014", "ALLOWED_HOSTS must be set in production (DEBUG is off).", "Set it."),
    ]
    errors = settings_check(None)
    assert [(error.id, error.hint) for error in errors] == [
        ("samtale.E011", None),
        ("samtale.E014", "Set it."),
    ]
    assert all(error.is_serious() for error in errors)
    with pytest.raises(ImproperlyConfigured, match=r"(?s)E011.*E014"):
        refuse_settings_problems()
    settings.SILENCED_SYSTEM_CHECKS = ["samtale.E011", "samtale.E014"]
    refuse_settings_problems()
    settings.SETTINGS_PROBLEMS = []
    assert settings_check(None) == []
