"""Checks of our own settings: the problems found as they were read (run by every command
that runs the system checks), and the deployment checks of `manage.py check --deploy`."""

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@register()
def settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Each value of the environment that made no sense as the settings read it
    (config/settings/env.py), all of them in one run."""
    return [
        Error(message, hint=hint or None, id=code)
        for code, message, hint in getattr(settings, "SETTINGS_PROBLEMS", ())
    ]


def refuse_settings_problems() -> None:
    """Stop a web process whose settings have problems, naming them all: gunicorn and an
    ASGI server import config.wsgi or config.asgi and serve, and run no system checks."""
    problems = [problem for problem in settings_check(None) if not problem.is_silenced()]
    if problems:
        raise ImproperlyConfigured(
            "The settings have problems (manage.py check lists them too):\n"
            + "\n".join(str(problem) for problem in problems)
        )


@register(Tags.security, deploy=True)
def site_url_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """SITE_URL is where e-mail links and calendar invitations send people: it must be the
    public HTTPS address of this very server."""
    url = settings.SITE_URL
    parts = urlsplit(url)
    if not url:
        return []  # only without DEBUG, and settings_check says so (samtale.E001)
    if not parts.hostname:
        return [
            Error(
                "SITE_URL is not set to an address such as https://samtale.kommune.no.",
                hint="E-mail links and calendar invitations are made from it.",
                id="samtale.E001",
            )
        ]
    problems: list[CheckMessage] = []
    if parts.scheme != "https":
        problems.append(
            Warning(
                f"SITE_URL ({url}) does not use https: links in e-mails would send people to an "
                "unencrypted address.",
                id="samtale.W001",
            )
        )
    if _is_loopback(parts.hostname):
        problems.append(
            Warning(
                f"SITE_URL ({url}) is a loopback address: links in e-mails would lead nowhere.",
                id="samtale.W002",
            )
        )
    elif not validate_host(parts.hostname, settings.ALLOWED_HOSTS):
        problems.append(
            Warning(
                f"The host of SITE_URL ({parts.hostname}) is not in ALLOWED_HOSTS: links in "
                "e-mails would be refused.",
                id="samtale.W003",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def trusted_proxies_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Behind a proxy every request comes from the proxy's address: without TRUSTED_PROXIES
    the sign-in and reset limits per client would count the whole organization as one."""
    if settings.BEHIND_TLS_PROXY and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXIES is empty: every user shares the "
                "proxy's address, and the limits per client address count them as one.",
                hint="Set TRUSTED_PROXIES to the proxy's address or network, e.g. 10.0.0.5.",
                id="samtale.W004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def backup_recipients_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Backups and exports hold every person's data: in production they are sealed for the
    operator's key (core.sealed), or a copy of the backup folder reads as the database."""
    from samtale.core import sealed

    if not settings.SAMTALE_BACKUP_RECIPIENTS:
        return [
            Warning(
                "SAMTALE_BACKUP_RECIPIENTS is empty: manage.py backup writes snapshots in "
                "clear, and tenants backup/export need --to for every export.",
                hint="Make a key with age-keygen on a machine of the operator's, keep its "
                "private half there, and set SAMTALE_BACKUP_RECIPIENTS to its public key.",
                id="samtale.W006",
            )
        ]
    try:
        sealed.recipients_parsed(settings.SAMTALE_BACKUP_RECIPIENTS)
    except sealed.SealError as error:
        return [Error(f"SAMTALE_BACKUP_RECIPIENTS: {error}", id="samtale.E035")]
    return []


@register()
def outbox_lease_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """A claimed e-mail is sent again once its lease runs out (notifications.outbox): a lease
    shorter than a slow send would have a second worker send it while the first still is."""
    mailer: dict[str, Any] = settings.MAILERS["default"]
    timeout = mailer.get("OPTIONS", {}).get("timeout") or 0
    if timeout and 4 * timeout > settings.OUTBOX_LEASE_SECONDS:
        return [
            Error(
                f"OUTBOX_LEASE_SECONDS ({settings.OUTBOX_LEASE_SECONDS}) is shorter than four "
                f"times EMAIL_TIMEOUT ({timeout}): a slow SMTP server could get a message twice.",
                hint="Raise OUTBOX_LEASE_SECONDS or lower EMAIL_TIMEOUT.",
                id="samtale.E002",
            )
        ]
    return []
