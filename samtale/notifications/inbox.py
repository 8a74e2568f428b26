"""The calendar address's mail: the answers to invitations, read back.

Every conversation's event is organized by Samtale's calendar address (notifications.ics),
so the attendees' mail programs send their answers there: an iMIP REPLY (accepted, maybe,
declined) or COUNTER (a new time proposed), RFC 6047. Two ways bring that mail in, and both
hand each message, as raw RFC 822 bytes, to the one function `receive`:

- an IMAP mailbox (`ImapMailbox`, a `Mailbox`), read every minute by the worker
  (notifications.tasks.calendar_mailbox_read, when SAMTALE_CALENDAR_IMAP_URL is set);
- a webhook a mail server posts each message to as it arrives
  (notifications.views.calendar_inbound, when SAMTALE_CALENDAR_WEBHOOK_TOKEN is set).

`receive` finds the calendar in a message and hands each answer to the domain that
registered for them with `@answers_to` (conversations.services.replies): the layers run
downward, so this module never imports conversations. Anything else (a person's own mail,
an auto-reply, a bounce) is left where it is and logged; nothing a message holds can make
`receive` raise.

The mailbox is never changed. It is opened read-only (EXAMINE), bodies are fetched with
BODY.PEEK (\\Seen stays as it was), and nothing is flagged, moved or deleted. What has been
read is kept in the database instead (`MailboxMark`): the mailbox's UIDVALIDITY and the
highest UID read. IMAP numbers every new message above every UID before it (RFC 9051
§2.3.1.1), so each run asks for the UIDs above the mark alone. That needs no write access
to the mailbox and no keyword of our own, which not every server keeps (its PERMANENTFLAGS
must allow one). A new UIDVALIDITY (the mailbox was made anew) reads it all again from the
start: an answer read twice changes nothing.
"""

import contextlib
import imaplib
import logging
import ssl
from collections.abc import Callable
from email import policy
from email.parser import BytesParser
from enum import StrEnum
from typing import Protocol
from urllib.parse import unquote, urlsplit

from django.db import DatabaseError
from django.utils import timezone

from samtale.notifications import ics
from samtale.notifications.models import MailboxMark

logger = logging.getLogger(__name__)

# Messages read in one run at most; the next run goes on from there.
BATCH = 200
# Seconds an IMAP server may take to answer one command.
TIMEOUT = 30
CALENDAR_TYPES = ("text/calendar", "application/ics")


class Outcome(StrEnum):
    APPLIED = "applied"  # an answer recorded
    UNCHANGED = "unchanged"  # the answer recorded already, or one older than it
    IGNORED = "ignored"  # an answer to one of ours, not applied (logged with why)
    NOT_OURS = "not_ours"  # an answer about an event that is not Samtale's
    NOT_IMIP = "not_imip"  # no answer in it: left alone
    UNREADABLE = "unreadable"  # not a message, or a calendar that does not parse


# The domains that take answers: handler(answer=ics.Answer, sender=address) -> Outcome, or
# None when the event (its UID) is not theirs.
_handlers: list[Callable[..., Outcome | None]] = []


def answers_to(handler):
    """Registers a domain's handler of answers (used as a decorator; returns it)."""
    _handlers.append(handler)
    return handler


def receive(raw: bytes) -> list[Outcome]:
    """Read one message that came to the calendar address and act on the answers in it.

    The calendar is looked for in every part of the message (the text/calendar beside the
    text, and an .ics attached); the first that parses as a REPLY or COUNTER counts (mail
    programs send the same one twice). Returns what became of each answer in it, or of the
    message. Never raises for what a message holds.
    """
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        message_id = str(message.get("Message-ID", "")).strip()[:200] or "(no Message-ID)"
        sender = _sender(message)
        answers, unreadable = _answers(message)
    except Exception:  # whatever a stranger sent must not stop the reader
        logger.info("calendar mailbox: a message that cannot be read, left alone")
        return [Outcome.UNREADABLE]
    if not answers:
        outcome = Outcome.UNREADABLE if unreadable else Outcome.NOT_IMIP
        logger.info("calendar mailbox: %s is no answer to an invitation (%s)", message_id, outcome)
        return [outcome]
    outcomes = []
    for answer in answers:
        outcome = next(
            (
                found
                for handler in _handlers
                if (found := handler(answer=answer, sender=sender)) is not None
            ),
            Outcome.NOT_OURS,
        )
        logger.info("calendar mailbox: %s, %s: %s", message_id, answer.method, outcome)
        outcomes.append(outcome)
    return outcomes


def _sender(message) -> str:
    """The one address in From, in lower case; "" when there is not exactly one."""
    header = message.get("From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if len(addresses) != 1 or "@" not in addresses[0].addr_spec:
        return ""
    return addresses[0].addr_spec.strip().lower()


def _answers(message) -> tuple[list[ics.Answer], bool]:
    """The answers of the first calendar in the message that is a REPLY or COUNTER, and
    whether a calendar in it did not parse."""
    unreadable = False
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() not in CALENDAR_TYPES and not filename.endswith(".ics"):
            continue
        try:
            answers = ics.itip_read(_content(part))
        except ValueError:
            unreadable = True
            continue
        if answers:
            return answers, unreadable
    return [], unreadable


def _content(part) -> str | bytes:
    """A calendar part's text in the charset it names (Outlook may send windows-1252), or
    its bytes as they came where it names none that decodes."""
    if part.get_content_maintype() == "text":
        try:
            return part.get_content()
        except (LookupError, UnicodeError):
            pass
    return part.get_payload(decode=True) or b""


class Mailbox(Protocol):
    """Where mail to the calendar address waits to be read."""

    def read_new(self, handle: Callable[[bytes], object]) -> int:
        """Hand each message not read before to `handle` (raw RFC 822 bytes), oldest first;
        return how many. A message is read once, whatever `handle` made of it."""
        ...


class ImapMailbox:
    """An IMAP mailbox given as imaps://user:password@host:port/INBOX (imap:// without TLS,
    for a server on the same machine or in tests), read as this module says."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT, batch: int = BATCH):
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ValueError("an IMAP mailbox is imaps://user:password@host:port/INBOX")
        self.tls = parts.scheme == "imaps"
        self.host = parts.hostname
        self.port = parts.port or (993 if self.tls else 143)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.folder = unquote(parts.path.lstrip("/")) or "INBOX"
        self.timeout = timeout
        self.batch = batch
        # The mailbox as the mark and the log name it: never with its password.
        self.name = f"{parts.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"

    def _connect(self) -> imaplib.IMAP4:
        if self.tls:
            context = ssl.create_default_context()
            return imaplib.IMAP4_SSL(
                self.host, self.port, ssl_context=context, timeout=self.timeout
            )
        return imaplib.IMAP4(self.host, self.port, timeout=self.timeout)

    def read_new(self, handle: Callable[[bytes], object]) -> int:
        """Raises OSError or imaplib.IMAP4.error when the server cannot be reached or
        refuses: the next run tries again from the same mark."""
        imap = self._connect()
        try:
            imap.login(self.user, self.password)
            kind, _data = imap.select(_quoted(self.folder), readonly=True)
            if kind != "OK":
                raise imaplib.IMAP4.error(f"cannot open {self.folder}")
            return self._read(imap, handle)
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                imap.logout()

    def _read(self, imap: imaplib.IMAP4, handle) -> int:
        [found] = imap.response("UIDVALIDITY")[1] or [None]
        if not found or not found.isdigit():
            raise imaplib.IMAP4.error(f"{self.folder} was opened without a UIDVALIDITY")
        uidvalidity = int(found)
        mark, _created = MailboxMark.objects.get_or_create(mailbox=self.name)
        after = mark.last_uid if mark.uidvalidity == uidvalidity else 0
        kind, data = imap.uid("SEARCH", "UID", f"{after + 1}:*")
        if kind != "OK":
            raise imaplib.IMAP4.error(f"cannot search {self.folder}: {data!r}")
        # "n:*" also matches the highest UID when that is below n (RFC 9051 §6.4.4).
        uids = sorted(int(uid) for uid in (data[0] or b"").split() if int(uid) > after)
        for uid in uids[: self.batch]:
            raw = _fetch(imap, uid)
            if raw is not None:
                try:
                    handle(raw)
                except DatabaseError:
                    raise  # the database, not the message: read it again next run
                except Exception:  # one broken message must not stop the rest
                    logger.exception(
                        "calendar mailbox %s: message %s could not be handled", self.name, uid
                    )
            MailboxMark.objects.filter(pk=mark.pk).update(
                uidvalidity=uidvalidity, last_uid=uid, read_at=timezone.now()
            )
        return min(len(uids), self.batch)


def _fetch(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    """The whole message, without setting \\Seen; None when it is gone meanwhile."""
    _kind, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
