"""What makes two tenants' values of an account setting one account (configurable's
`account`: a sender, mailbox, calendar address, webhook token, organization number, Fiks
account, archive folder), and whether a folder lies inside another: plain Python, as the
declarations are, for operators.services (no two tenants share one) and the archive's drop
folder (nothing written outside SAMTALE_ARCHIVE_ROOT)."""

from __future__ import annotations

import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from samtale.tenancy.configurable import FOLDER, IMAP_URL, SENDER, TOKEN, Declared


def account_key(declared: Declared, value: object) -> str:
    """What makes two values of an account setting one account: the address of a sender,
    the user and server of a mailbox, an address or a number as written apart from case and
    spaces, a folder's path made plain. Empty: no account."""
    text = str(value or "").strip()
    if not text:
        return ""
    if declared.kind == SENDER:
        return parseaddr(text)[1].lower()
    if declared.kind == IMAP_URL:
        parts = urlsplit(text)
        return f"{unquote(parts.username or '').lower()}@{(parts.hostname or '').lower()}"
    if declared.kind == FOLDER:
        return os.path.normpath(text)
    if declared.kind == TOKEN:
        return text
    return text.replace(" ", "").lower()


def folder_inside(folder: str, root: str) -> bool:
    """Whether `folder`, its links followed, lies inside `root` (and is not `root` itself)."""
    if not folder or not root:
        return False
    there, under = Path(folder).resolve(), Path(root).resolve()
    return there != under and there.is_relative_to(under)


def accounts_meet(declared: Declared, one: str, other: str) -> bool:
    """Whether two account keys are one account: the same, or, for folders, one inside the
    other (an importer of the outer one would take the inner one's packages)."""
    if not one or not other:
        return False
    if declared.kind == FOLDER:
        return os.path.commonpath([one, other]) in (one, other)
    return one == other
