"""The calendar address's mail: the answers to invitations, read back.

Every conversation's event is organized by Samtale's calendar address (notifications.ics),
so the attendees' mail programs send their answers there: an iMIP REPLY (accepted, maybe,
declined) or COUNTER (a new time proposed), RFC 6047. Two ways bring that mail in, and both
hand each message, as raw RFC 822 bytes, to the one function `receive`:

- an IMAP mailbox (`ImapMailbox`, a `Mailbox`), read every minute by the worker
  (notifications.tasks.calendar_mailbox_read, when SAMTALE_CALENDAR_IMAP_URL is set);
- a webhook a mail server posts each message to as it arrives
  (notifications.views.calendar_inbound, when SAMTALE_CALENDAR_WEBHOOK_TOKEN is set),
  through `receive_posted`.

`receive` finds the calendar in a message and hands each answer to the domain that
registered for them with `@answers_to` (conversations.services.replies): the layers run
downward, so this module never imports conversations. Anything else (a person's own mail,
an auto-reply, a bounce, a calendar that does not parse) is left where it is and logged:
ordinary mail to the address is normal, and nothing a message holds can make `receive`
raise, but for a limit.

Anyone can send mail to the address, and a mail server forwards whatever came, so what one
message may cost is bounded (config/settings/calendars.py, SAMTALE_CALENDAR_MAX_*). A message larger
than SAMTALE_CALENDAR_MAX_BYTES is not read at all: the webhook answers 413 before it reads
the body, and the mailbox asks each message's size (RFC822.SIZE) and does not fetch it. One
with more calendars in it than SAMTALE_CALENDAR_MAX_PARTS, or a calendar with more events
than SAMTALE_CALENDAR_MAX_ANSWERS or more lines than SAMTALE_CALENDAR_MAX_LINES (counted in
its text before any is parsed, so a hundred thousand cost a scan and no query), is refused
whole: `receive` raises `Refused`, and
nothing of it is applied. A refused message is set aside (core.setaside: one row, one log
line naming the limit and its value, counted in /metrics) and passed by, and so is one whose
handling fails: at once when the code fails on it, and after SAMTALE_CALENDAR_MAX_ATTEMPTS
runs in a row when the database does, which may be the database's fault and not the
message's (until then the mailbox is read again from that message, as before).

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
import hashlib
import imaplib
import logging
import re
import socket
import ssl
import sys
from collections.abc import Callable
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser
from enum import StrEnum
from typing import Protocol
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from samtale.core import outbound, setaside
from samtale.notifications import ics
from samtale.notifications.models import MailboxMark

logger = logging.getLogger(__name__)

# Messages read in one run at most; the next run goes on from there.
BATCH = 200
# Seconds an IMAP server may take to answer one command.
TIMEOUT = 30
CALENDAR_TYPES = ("text/calendar", "application/ics")
# What set-aside messages of the calendar address are recorded as (core.setaside).
SOURCE = "calendar_mail"
# A line that begins an event, as icalendar reads one (unfolded, its name and value upper-
# cased, parameters allowed), matched loosely in the upper-cased text: no spelling the
# parser takes escapes the count; one it does not take counts too, which costs nothing.
_BEGIN_EVENT = re.compile(r"^[ \t]*BEGIN[^\n]*VEVENT", re.MULTILINE)
# A folded line's break (RFC 5545 §3.1), as icalendar unfolds it: its pattern, linear where
# the obvious (\r?\n)+[ \t] is quadratic.
_FOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")


class Outcome(StrEnum):
    APPLIED = "applied"  # an answer recorded
    UNCHANGED = "unchanged"  # the answer recorded already, or one older than it
    IGNORED = "ignored"  # an answer to one of ours, not applied (logged with why)
    NOT_OURS = "not_ours"  # an answer about an event that is not Samtale's
    NOT_IMIP = "not_imip"  # no answer in it: left alone
    UNREADABLE = "unreadable"  # not a message, or a calendar that does not parse


class Refused(Exception):
    """A message over one of the limits: refused whole, before anything of it was parsed
    or applied. `reason` is core.setaside's (TOO_LARGE, TOO_MANY); `detail` names the
    setting and its value."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


# The domains that take answers: handler(answer=ics.Answer, sender=address) -> Outcome, or
# None when the event (its UID) is not theirs.
Handler = Callable[..., "Outcome | None"]
_handlers: list[Handler] = []


def answers_to(handler: Handler) -> Handler:
    """Registers a domain's handler of answers (used as a decorator; returns it)."""
    _handlers.append(handler)
    return handler


def receive(raw: bytes) -> list[Outcome]:
    """Read one message that came to the calendar address and act on the answers in it.

    The calendar is looked for in every part of the message (the text/calendar beside the
    text, and an .ics attached); the first that parses as a REPLY or COUNTER counts (mail
    programs send the same one twice). Returns what became of each answer in it, or of the
    message. Raises `Refused` for a message over a limit, before any calendar in it is
    parsed; never anything else for what a message holds.
    """
    _within("SAMTALE_CALENDAR_MAX_BYTES", len(raw), "bytes", setaside.TOO_LARGE)
    try:
        # compat32, the parser's own policy: policy.default parses every part's headers as
        # it goes, seconds for the thousands of parts a megabyte holds.
        message = message_from_bytes(raw)
        message_id = _message_id(message) or "(no Message-ID)"
        sender = _sender(message)
        parts = _calendar_parts(message)
        _within("SAMTALE_CALENDAR_MAX_PARTS", len(parts), "calendar parts", setaside.TOO_MANY)
        calendars = [_content(part) for part in parts]
    except Refused:
        raise
    except Exception:  # whatever a stranger sent must not stop the reader
        logger.info("calendar mailbox: a message that cannot be read, left alone")
        return [Outcome.UNREADABLE]
    shapes = [_shape(calendar) for calendar in calendars]
    events = max((events for events, _lines in shapes), default=0)
    _within("SAMTALE_CALENDAR_MAX_ANSWERS", events, "events in a calendar", setaside.TOO_MANY)
    lines = max((lines for _events, lines in shapes), default=0)
    _within("SAMTALE_CALENDAR_MAX_LINES", lines, "lines in a calendar", setaside.TOO_MANY)
    answers, unreadable = _answers(calendars)
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


def _within(setting: str, found: int, what: str, reason: str) -> None:
    limit = getattr(settings, setting)
    if found > limit:
        raise Refused(reason, f"{found} {what}, over {setting}={limit}")


def _message_id(message) -> str:
    return " ".join(str(message.get("Message-ID", "")).split())[:200]


def _sender(message) -> str:
    """The one address in From, in lower case; "" when there is not exactly one."""
    header = message.get("From")
    if header is None:
        return ""
    addresses = policy.default.header_fetch_parse("From", str(header)).addresses
    if len(addresses) != 1 or "@" not in addresses[0].addr_spec:
        return ""
    return addresses[0].addr_spec.strip().lower()


def _calendar_parts(message) -> list:
    """The parts that hold a calendar: a text/calendar or application/ics, or an .ics file."""
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() in CALENDAR_TYPES or filename.endswith(".ics"):
            found.append(part)
    return found


def _content(part) -> str | bytes:
    """A calendar part's text in the charset it names (Outlook may send windows-1252; UTF-8
    where it names none, RFC 5545 §8.1), or its bytes as they came where it names one that
    Python does not know."""
    payload = part.get_payload(decode=True) or b""
    if part.get_content_maintype() == "text":
        try:
            return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
        except LookupError:
            pass
    return payload


def _shape(calendar: str | bytes) -> tuple[int, int]:
    """How many events and lines a calendar holds, counted in its unfolded text without
    parsing it."""
    text = calendar if isinstance(calendar, str) else calendar.decode("utf-8-sig", "replace")
    unfolded = _FOLD.sub("", text)
    events = sum(1 for _ in _BEGIN_EVENT.finditer(unfolded.upper()))
    # icalendar splits the unfolded text into lines at \n (after an optional \r) alone.
    return events, unfolded.count("\n") + 1


def _answers(calendars: list[str | bytes]) -> tuple[list[ics.Answer], bool]:
    """The answers of the first calendar that is a REPLY or COUNTER, and whether one of
    them did not parse."""
    unreadable = False
    for calendar in calendars:
        try:
            answers = ics.itip_read(calendar)
        except ValueError:
            unreadable = True
            continue
        if answers:
            return answers, unreadable
    return [], unreadable


def set_aside(*, key: str, reason: str, detail: str, size: int, via: str) -> None:
    """Record a message of the calendar address that was not taken (core.setaside)."""
    setaside.set_aside(source=SOURCE, key=key, reason=reason, detail=detail, size=size, via=via)


def receive_posted(raw: bytes) -> bool:
    """`receive` a message the webhook was posted (at most SAMTALE_CALENDAR_MAX_BYTES + 1
    bytes of it). A message over a limit, or whose handling fails, is set aside under its
    Message-ID (else the SHA-256 of its bytes). Returns False when it was refused, True when
    it was taken, whatever became of it. A failure of the database is raised: the webhook
    answers 500, and the mail server posts the message again later."""
    try:
        receive(raw)
    except Refused as refused:
        set_aside(
            key=_posted_key(raw),
            reason=refused.reason,
            detail=refused.detail,
            size=len(raw),
            via="webhook",
        )
        return False
    except DatabaseError:
        raise
    except Exception as error:  # posting it again would fail the same way
        logger.exception("calendar webhook: a message could not be handled")
        set_aside(
            key=_posted_key(raw),
            reason=setaside.FAILED,
            detail=f"handling failed: {type(error).__name__}",
            size=len(raw),
            via="webhook",
        )
    return True


def refuse_unread(*, size: int) -> None:
    """Set aside a message posted to the webhook that says it is larger than the limit: its
    body is never read, so it is known by the moment alone."""
    limit = settings.SAMTALE_CALENDAR_MAX_BYTES
    set_aside(
        key=f"webhook:{timezone.now().isoformat()}",
        reason=setaside.TOO_LARGE,
        detail=f"{size} bytes (Content-Length), over SAMTALE_CALENDAR_MAX_BYTES={limit}",
        size=size,
        via="webhook",
    )


def _posted_key(raw: bytes) -> str:
    try:
        found = _message_id(BytesHeaderParser().parsebytes(raw))
    except Exception:  # noqa: BLE001 - then the bytes name it
        found = ""
    return found or "sha256:" + hashlib.sha256(raw).hexdigest()


class Mailbox(Protocol):
    """Where mail to the calendar address waits to be read."""

    def read_new(self, handle: Callable[[bytes], object]) -> int:
        """Hand each message not read before to `handle` (raw RFC 822 bytes), oldest first;
        return how many. A message is read once, whatever `handle` made of it; one over a
        limit (`handle` raised Refused, or it is too large to be fetched) or whose handling
        failed is set aside and passed by."""
        ...


def mailbox_unreadable(name: str) -> None:
    """The mailbox could not be read this run: since when, kept (the first failure's time)."""
    MailboxMark.objects.get_or_create(mailbox=name)
    MailboxMark.objects.filter(mailbox=name, unreadable_since__isnull=True).update(
        unreadable_since=timezone.now()
    )


def mailbox_read(name: str) -> None:
    """The mailbox was read: whatever failed before is over."""
    MailboxMark.objects.filter(mailbox=name, unreadable_since__isnull=False).update(
        unreadable_since=None
    )


class _CheckedIMAP4(imaplib.IMAP4):
    """imaplib's client, connecting only to an address of its host that is not inside this
    installation's network unless SAMTALE_OUTBOUND_ALLOWED_NETWORKS allows it (core.outbound:
    a mailbox is a municipality's to configure), looked up once: never to a second look-up's
    answer. Refused: core.outbound.Refused, an OSError, as a server away is."""

    def _create_socket(self, timeout: float | None) -> socket.socket:
        addresses = outbound.addresses_checked(
            self.host, self.port, settings.SAMTALE_OUTBOUND_ALLOWED_NETWORKS
        )
        sys.audit("imaplib.open", self, self.host, self.port)
        return socket.create_connection((addresses[0], self.port), timeout)


class _CheckedIMAP4SSL(imaplib.IMAP4_SSL):
    """The same over TLS; the certificate checked for the host's name."""

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = _CheckedIMAP4._create_socket(self, timeout)  # type: ignore[arg-type]
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


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
            return _CheckedIMAP4SSL(self.host, self.port, ssl_context=context, timeout=self.timeout)
        return _CheckedIMAP4(self.host, self.port, timeout=self.timeout)

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
        batch = uids[: self.batch]
        sizes = _sizes(imap, batch)
        for uid in batch:
            self._take(imap, handle, mark, f"{self.name}:{uidvalidity}:{uid}", uid, sizes)
            MailboxMark.objects.filter(pk=mark.pk).update(
                uidvalidity=uidvalidity,
                last_uid=uid,
                read_at=timezone.now(),
                failed_uid=0,
                failures=0,
            )
        return len(batch)

    def _take(self, imap, handle, mark: MailboxMark, key: str, uid: int, sizes) -> None:
        """Fetch one message and hand it to `handle`, or set it aside (under `key`). Raises
        a DatabaseError of its handling, to be read again at the next run, until it has
        failed SAMTALE_CALENDAR_MAX_ATTEMPTS runs in a row."""
        limit = settings.SAMTALE_CALENDAR_MAX_BYTES
        size = sizes.get(uid)
        if size is not None and size > limit:
            detail = f"{size} bytes, over SAMTALE_CALENDAR_MAX_BYTES={limit}"
            set_aside(key=key, reason=setaside.TOO_LARGE, detail=detail, size=size, via="imap")
            return
        raw = _fetch(imap, uid)
        if raw is None:
            return
        try:
            handle(raw)
        except Refused as refused:
            reason, detail = refused.reason, refused.detail
        except DatabaseError as error:
            failures = mark.failures + 1 if mark.failed_uid == uid else 1
            attempts = settings.SAMTALE_CALENDAR_MAX_ATTEMPTS
            if failures < attempts:
                # The database, maybe, not the message: read it again next run.
                MailboxMark.objects.filter(pk=mark.pk).update(failed_uid=uid, failures=failures)
                raise
            logger.exception("calendar mailbox %s: message %s could not be handled", self.name, uid)
            reason = setaside.FAILED
            detail = (
                f"handling failed on the database {failures} runs in a row "
                f"(SAMTALE_CALENDAR_MAX_ATTEMPTS={attempts}): {type(error).__name__}"
            )
        except Exception as error:  # one broken message must not stop the rest
            logger.exception("calendar mailbox %s: message %s could not be handled", self.name, uid)
            reason, detail = setaside.FAILED, f"handling failed: {type(error).__name__}"
        else:
            return
        set_aside(key=key, reason=reason, detail=detail, size=len(raw), via="imap")


_UID = re.compile(rb"\bUID (\d+)")
_RFC822_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


def _sizes(imap: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    """The size of each message of the batch (RFC822.SIZE) by UID, asked in one command
    before any is fetched; one gone meanwhile is missing."""
    if not uids:
        return {}
    kind, data = imap.uid("FETCH", f"{uids[0]}:{uids[-1]}", "(RFC822.SIZE)")
    if kind != "OK":
        raise imaplib.IMAP4.error(f"cannot ask the sizes in {data!r}")
    sizes = {}
    for item in data or ():
        line = item[0] if isinstance(item, tuple) else item
        if isinstance(line, bytes):
            uid, size = _UID.search(line), _RFC822_SIZE.search(line)
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
    return sizes


def _fetch(imap: imaplib.IMAP4, uid: int) -> bytes | None:
    """The whole message, without setting \\Seen; None when it is gone meanwhile."""
    _kind, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
