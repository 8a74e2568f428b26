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
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
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
    result = _run(LOAD, DEBUG="false", SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_hashes_passwords_with_argon2():
    result = _run(LOAD, DEBUG="false", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="samtale.example.no")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_laptop_starts_with_debug_and_no_secret():
    result = _run(LOAD, DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_the_deployment_checks_are_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **_clean_env(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "samtale.example.no",
            "DATABASE_URL": "sqlite:///:memory:",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_httponly():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.TIME_ZONE)"
    )
    result = _run(code, DEBUG="false", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="samtale.example.no")
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "Europe/Oslo"]
