"""Reads the e-mails a laptop wrote to DEV_MAIL_DIR (notifications.backends.FileMailBackend).

Only names the backend writes are read, and only from that folder: a name is checked
against the pattern and against the folder's own listing, so no path leads elsewhere.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,120}\.eml")


@dataclass
class MailSummary:
    name: str
    to: str
    subject: str
    date: datetime | None


@dataclass
class Attachment:
    filename: str
    content_type: str
    size: int
    text: str | None  # the content of a text attachment or a calendar file, else None


@dataclass
class Mail(MailSummary):
    sender: str = ""
    text: str | None = None
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def mail_names(directory: Path) -> list[str]:
    """The messages' file names, newest first (the names begin with the time written)."""
    if not directory.is_dir():
        return []
    return sorted(
        (entry.name for entry in directory.iterdir() if NAME.fullmatch(entry.name)),
        reverse=True,
    )


def _date(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def mail_summary(directory: Path, name: str) -> MailSummary:
    """To, subject and date, from the headers alone."""
    with (directory / name).open("rb") as stream:
        headers = BytesHeaderParser(policy=policy.default).parse(stream)
    return MailSummary(
        name=name,
        to=str(headers.get("To", "")),
        subject=str(headers.get("Subject", "")),
        date=_date(headers.get("Date")),
    )


def _text(part, payload: bytes) -> str | None:
    if part.get_content_maintype() == "text":
        return part.get_content()
    if part.get_content_type() == "application/ics":  # an invitation's calendar file
        return payload.decode("utf-8", "replace")
    return None


def mail_read(directory: Path, name: str) -> Mail | None:
    """The whole message, or None when there is no such message in the folder."""
    if not NAME.fullmatch(name) or name not in mail_names(directory):
        return None
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(
        (directory / name).read_bytes()
    )
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    attachments = []
    for part in message.iter_attachments():
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
        attachments.append(
            Attachment(
                filename=part.get_filename() or "",
                content_type=part.get_content_type(),
                size=len(payload),
                text=_text(part, payload),
            )
        )
    return Mail(
        name=name,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=_date(message.get("Date")),
        sender=str(message.get("From", "")),
        text=text.get_content() if text is not None else None,
        html=html.get_content() if html is not None else None,
        attachments=attachments,
    )
