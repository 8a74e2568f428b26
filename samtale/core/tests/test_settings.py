"""The settings refuse to run production on laptop defaults."""

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


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run(LOAD, DEBUG="false", SECRET_KEY=GOOD_SECRET, SITE_URL="https://a.example.no")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_the_smallest_group_for_figures_from_answers_is_never_below_three():
    result = _run(LOAD, **PRODUCTION, SAMTALE_MIN_GROUP="2")
    assert result.returncode != 0
    assert "SAMTALE_MIN_GROUP must be at least 3" in result.stderr
    assert _run(LOAD, **PRODUCTION, SAMTALE_MIN_GROUP="3").returncode == 0


def test_production_refuses_to_start_without_site_url():
    result = _run(LOAD, **{**PRODUCTION, "SITE_URL": ""})
    assert result.returncode != 0
    assert "SITE_URL must be set" in result.stderr


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


def test_the_deployment_checks_ask_for_the_organization_number():
    result = _check_deploy(SAMTALE_ORGANIZATION_NUMBER="")
    assert result.returncode != 0
    assert "samtale.W005" in result.stdout + result.stderr


@pytest.mark.parametrize("wrong", ["31598765", "315987653", "92123456x"])
def test_an_organization_number_is_nine_digits_with_a_valid_check_digit(wrong):
    result = _run(LOAD, **(PRODUCTION | {"SAMTALE_ORGANIZATION_NUMBER": wrong}))
    assert result.returncode != 0
    assert "SAMTALE_ORGANIZATION_NUMBER" in result.stderr
    spaced = PRODUCTION | {"SAMTALE_ORGANIZATION_NUMBER": "315 987 652"}
    assert _run(LOAD, **spaced).returncode == 0


def test_the_demo_has_a_fictional_valid_organization_number_and_production_none():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(repr(s.SAMTALE_ORGANIZATION_NUMBER))"
    )
    environment = {k: v for k, v in PRODUCTION.items() if k != "SAMTALE_ORGANIZATION_NUMBER"}
    assert _run(code, **environment).stdout.strip() == "''"
    assert _run(code, DEBUG="true").stdout.strip() == "'315987652'"


def test_production_refuses_a_trusted_proxy_that_is_no_address():
    result = _run(LOAD, **PRODUCTION, TRUSTED_PROXIES="10.0.0.5,proxy.kommune.no")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr


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
