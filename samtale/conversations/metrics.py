"""Autosaves in /metrics (core.metrics): counted in each web process as they are answered."""

from prometheus_client import Counter

from samtale.conversations.errors import TextTooLong
from samtale.core.concurrency import EditConflict

AUTOSAVES = Counter(
    "samtale_autosaves",
    "Saves of notes, summaries and comments (the autosave script's and plain form posts), "
    "by result: saved, conflict (changed elsewhere meanwhile), too_large, refused.",
    ["result"],
)


def autosave_counted(error: Exception | None) -> None:
    if error is None:
        result = "saved"
    elif isinstance(error, EditConflict):
        result = "conflict"
    elif isinstance(error, TextTooLong):
        result = "too_large"
    else:
        result = "refused"
    AUTOSAVES.labels(result).inc()
