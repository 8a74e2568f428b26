"""Real mail servers on loopback for tests: SMTP (aiosmtpd, and settings that send to
it) and IMAP (Debian's Dovecot, started and stopped here, for the calendar mailbox)."""

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from icalendar import Calendar


class Inbox:
    """Collects what the server receives; `fail_next` makes it refuse that many messages."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.fail_next = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        if self.fail_next:
            self.fail_next -= 1
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]


# Europe's zone as Exchange and Outlook name and write it in what they send (a COUNTER's
# proposed time is in it): the tests of the answers that come back read times in it.
EXCHANGE_VTIMEZONE = """\
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16010101T030000\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010101T020000\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
END:VTIMEZONE\r
"""


def calendar_of(message):
    """(METHOD parameter of the text/calendar part, the parsed calendar, its one event) of a
    received meeting request (notifications.mail.InvitationEmail); the invitasjon.ics
    attached beside it holds the same calendar."""
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [attached] = [p for p in message.iter_attachments() if p.get_filename() == "invitasjon.ics"]
    assert attached.get_content_type() == "application/ics"
    text = part.get_content()
    assert attached.get_content().decode().replace("\r\n", "\n") == text.replace("\r\n", "\n")
    calendar = Calendar.from_ical(text)
    [event] = calendar.events
    return part.get_param("method"), calendar, event


def mime_tree(message, depth: int = 0) -> str:
    """A received message's MIME structure as indented text: each part's Content-Type as
    sent, its transfer encoding and its disposition where it has them."""
    line = "  " * depth + str(message["Content-Type"] or message.get_content_type())
    if message["Content-Transfer-Encoding"]:
        line += f"  ({message['Content-Transfer-Encoding']})"
    if message["Content-Disposition"]:
        line += f"  [{message['Content-Disposition']}]"
    lines = [line]
    if message.is_multipart():
        lines += [mime_tree(part, depth + 1) for part in message.iter_parts()]
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    """Yield (inbox, MAILERS setting) for a server listening on 127.0.0.1."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailers = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
            }
        }
        yield inbox, mailers
    finally:
        controller.stop()


# Where Debian's dovecot-imapd puts the IMAP server Dovecot starts for each session.
DOVECOT_IMAP = ("/usr/lib/dovecot/imap", "/usr/libexec/dovecot/imap")


def _dovecot() -> str | None:
    return shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/usr/local/sbin")


def dovecot_missing() -> str | None:
    """Why Dovecot's IMAP server cannot be started here, or None."""
    if _dovecot() is None:
        return "Dovecot is not installed (Debian: apt-get install dovecot-imapd)"
    if not any(Path(path).exists() for path in DOVECOT_IMAP):
        return "Dovecot's IMAP server is not installed (Debian: apt-get install dovecot-imapd)"
    return None


class ImapServer:
    """A Dovecot of the test's own on 127.0.0.1: one user, one maildir, plaintext login."""

    user = "kalender"
    password = "kalender-test-passord"  # noqa: S105 (a test server's, on loopback)

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"imap://{self.user}:{self.password}@127.0.0.1:{port}/INBOX"

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(self.user, self.password)
        imap.select("INBOX")
        return imap

    def append(self, raw: bytes) -> int:
        """Deliver a message into INBOX, as a mail server would; returns its UID."""
        imap = self.connect()
        try:
            kind, data = imap.append("INBOX", None, None, raw)
            assert kind == "OK", data
            # [APPENDUID <uidvalidity> <uid>] (RFC 4315), which Dovecot answers with.
            return int(data[0].split(b"APPENDUID", 1)[1].split()[1].rstrip(b"]"))
        finally:
            imap.logout()

    def messages(self) -> dict[int, tuple[bytes, set[str]]]:
        """Every message in INBOX: UID -> (its bytes, its flags)."""
        imap = self.connect()
        try:
            _kind, data = imap.uid("SEARCH", "ALL")
            found = {}
            for uid in (data[0] or b"").split():
                _kind, fetched = imap.uid("FETCH", uid.decode(), "(FLAGS BODY.PEEK[])")
                head, body = fetched[0]
                flags = head.split(b"FLAGS (", 1)[1].split(b")", 1)[0].decode().split()
                found[int(uid)] = (body, set(flags))
            return found
        finally:
            imap.logout()

    def empty(self) -> None:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        try:
            imap.login(self.user, self.password)
            _kind, [count] = imap.select("INBOX")
            if int(count or 0):
                imap.store("1:*", "+FLAGS", "\\Deleted")
                imap.expunge()
        finally:
            imap.logout()


def _dovecot_config(folder: Path, port: int) -> str:
    """Dovecot's whole configuration (no system file is read): IMAP on 127.0.0.1:port,
    plaintext login without TLS, one user in a passwd file, a maildir under `folder`.

    As root, Dovecot runs its login processes as its own users (dovenull, dovecot) and will
    not keep mail as root: the mail is kept as the dovecot user. Otherwise it runs as the
    user the tests run as (Dovecot's rootless mode)."""
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        users = ""
    else:
        mail = pwd.getpwuid(os.getuid())
        group = grp.getgrgid(mail.pw_gid).gr_name
        users = (
            f"default_internal_user = {mail.pw_name}\n"
            f"default_internal_group = {group}\n"
            f"default_login_user = {mail.pw_name}\n"
            # Only root may chroot.
            "service anvil {\n  chroot =\n}\n"
        )
    for name in ("run", "state"):
        (folder / name).mkdir()
    home = folder / "home" / ImapServer.user
    home.mkdir(parents=True)
    os.chown(home, mail.pw_uid, mail.pw_gid)
    (folder / "passwd").write_text(f"{ImapServer.user}:{{PLAIN}}{ImapServer.password}\n")
    return f"""\
{users}protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = {mail.pw_uid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={home}
}}
service imap-login {{
  {"" if os.geteuid() == 0 else "chroot ="}
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@contextmanager
def imap_server():
    """Start Dovecot on a free loopback port with its own configuration in a folder of its
    own, yield an ImapServer once it answers, and stop it (and remove the folder) after.

    The folder is made under the system's temporary directory and opened to others (0755):
    as root, Dovecot's own users must reach the mail and the passwd file in it, and
    pytest's folders are closed to them."""
    binary = _dovecot()
    assert binary is not None, dovecot_missing()
    folder = Path(tempfile.mkdtemp(prefix="samtale-dovecot-"))
    folder.chmod(0o755)
    port = free_port()
    config = folder / "dovecot.conf"
    config.write_text(_dovecot_config(folder, port))
    process = subprocess.Popen(  # noqa: S603 (Dovecot, with our own configuration)
        [binary, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = ImapServer(folder, port)
    try:
        _wait_for(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(server: ImapServer, process: subprocess.Popen, seconds: float = 20) -> None:
    """Until a login succeeds; a Dovecot that stopped, or never answers, fails with its log."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            break
        try:
            server.connect().logout()
            return
        except (OSError, imaplib.IMAP4.error):
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
    log = server.folder / "dovecot.log"
    finished = process.poll() is not None and process.stderr is not None
    stderr = process.stderr.read().decode() if finished and process.stderr else ""
    raise RuntimeError(f"Dovecot did not start: {stderr}{log.read_text() if log.exists() else ''}")
