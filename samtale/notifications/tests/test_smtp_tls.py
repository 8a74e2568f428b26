"""E-mail carries access-copy links and codes: it leaves over TLS by default (STARTTLS on
port 587), the server's certificate verified, and production refuses to send in clear unless
the operator says so (EMAIL_ALLOW_CLEAR; samtale.E036, in test_settings). The other side is
aiosmtpd, which shares nothing of ours, speaking STARTTLS with a certificate of its own CA."""

import ssl
import subprocess
import sys
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, mailers

from testkit.live import ROOT, app_env
from testkit.mail import free_port
from testkit.tls import make_tls


class Inbox:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append((session.ssl is not None, envelope.content))
        return "250 OK"


@pytest.fixture
def starttls_server(tmp_path):
    """An SMTP server on loopback that takes mail only after STARTTLS."""
    tls = make_tls(tmp_path / "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls.certificate, tls.key)
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    yield inbox, port, tls
    controller.stop()


def _mailer(settings, port: int, *, use_tls: bool):
    """The default mailer as production's settings make it, on the test server's port."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": use_tls, "timeout": 10},
        }
    }
    return mailers["default"]


def _mailer_options(**env) -> str:
    """The e-mail settings a production process reads from `env`."""
    code = (
        "from django.conf import settings; o = settings.MAILERS['default']['OPTIONS'];"
        "print(o['port'], o['use_tls'], o['use_ssl'])"
    )
    result = subprocess.run(  # noqa: S603 - our own arguments
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=app_env("sqlite:///:memory:", EMAIL_HOST="smtp.kommune.no", **env),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_default_is_starttls_on_587_and_implicit_tls_on_465():
    assert _mailer_options(EMAIL_USE_TLS="", EMAIL_ALLOW_CLEAR="") == "587 True False"
    assert _mailer_options(EMAIL_USE_TLS="", EMAIL_USE_SSL="true") == "465 False True"


def test_mail_is_sent_over_starttls_with_the_servers_certificate_verified(
    starttls_server, monkeypatch, settings
):
    inbox, port, tls = starttls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(tls.ca))  # the CA the operator trusts
    backend = _mailer(settings, port, use_tls=True)
    sent = backend.send_messages(
        [EmailMessage("Kopi", "Lenke: https://x/kopi/abc", "s@kommune.no", ["k@kommune.no"])]
    )
    assert sent == 1
    ((over_tls, content),) = inbox.received
    assert over_tls and "Lenke" in message_from_bytes(content, policy=policy.default).get_content()


def test_a_server_whose_certificate_is_not_trusted_gets_nothing(
    starttls_server, monkeypatch, settings
):
    inbox, port, _ = starttls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)  # the system's CAs only
    backend = _mailer(settings, port, use_tls=True)
    with pytest.raises(ssl.SSLCertVerificationError):
        backend.send_messages([EmailMessage("Kopi", "hemmelig", "s@kommune.no", ["k@kommune.no"])])
    assert inbox.received == []


def test_a_server_that_takes_mail_only_after_starttls_refuses_it_in_clear(
    starttls_server, settings
):
    inbox, port, _ = starttls_server
    backend = _mailer(settings, port, use_tls=False)
    with pytest.raises(Exception, match="STARTTLS"):
        backend.send_messages([EmailMessage("Kopi", "hemmelig", "s@kommune.no", ["k@kommune.no"])])
    assert inbox.received == []
