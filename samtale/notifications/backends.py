"""A laptop's mail: each message written to a folder as an .eml file, one line in the log.

`make run` would otherwise print every whole message (the first start-up sends about a
hundred) and push the address and the demo logins out of sight. The files open in any
mail program, and an administrator reads them at /utvikling/epost/ while DEBUG is on.
"""

import logging
import os
import secrets
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from samtale import tenancy

logger = logging.getLogger(__name__)

SUFFIX = ".eml"


def new_name() -> str:
    """`<date>-<time>-<microseconds>-<random>.eml`: names sort in the order written."""
    return f"{timezone.now().strftime('%Y%m%d-%H%M%S-%f')}-{secrets.token_hex(3)}{SUFFIX}"


def _shown(path: Path) -> Path:
    """The path from the project's folder (var/mail/…) when it is in it."""
    try:
        return path.relative_to(settings.BASE_DIR)
    except ValueError:
        return path


class FileMailBackend(BaseEmailBackend):
    """Writes each message as RFC 822 bytes to `directory` (default settings.DEV_MAIL_DIR),
    each tenant's in a folder of its own there (tenancy.folder)."""

    def __init__(self, *, directory: str | os.PathLike | None = None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(directory or settings.DEV_MAIL_DIR)
        self._lock = threading.Lock()

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        directory = tenancy.folder(self.directory)
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        with self._lock:
            for message in email_messages:
                name = new_name()
                data = message.message().as_bytes()
                # Written whole under a temporary name, so the mail page never reads half.
                partial = directory / f".{name}.part"
                partial.write_bytes(data)
                partial.replace(directory / name)
                logger.info(
                    "e-mail to %s: %s (%s)",
                    ", ".join(message.recipients()),
                    message.subject,
                    _shown(directory / name),
                )
                sent += 1
        return sent
