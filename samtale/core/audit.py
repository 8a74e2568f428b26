"""The audit log: who did what, when and from where — never what anyone wrote.

Append-only and chained. Each entry (core.AuditEntry) carries `prev_hash`, the hash of
the entry before it, and `hash`, the SHA-256 of its own canonical form (`canonical`),
which includes `prev_hash`: changing, removing or inserting an entry anywhere breaks the
chain from there on, and `manage.py audit_verify` (`chain_verify`) names the first break.
The database refuses UPDATE and DELETE on the table (triggers, core migration 0004).

An entry is written inside the transaction of the action it records, and an error is
never swallowed: an action whose entry cannot be written does not happen.

Appending is serialized: on PostgreSQL a transaction-level advisory lock is taken before
the last entry is read, held until the action commits (lock, read and insert are one call
of the database function samtale_audit_append, core migration 0009); SQLite runs one writing
transaction at a time (the settings begin every transaction IMMEDIATE). Either way the
entry's id is the last one plus one and the primary key, so two writers that did read the
same last entry could never both append after it: the second would fail, not fork.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.core.models import AuditEntry

GENESIS = "0" * 64  # the prev_hash of the first entry
# pg_advisory_xact_lock's key for appending to the chain: any constant no one else uses.
CHAIN_LOCK = 0x5A4D_7A1E_A0D1
# The fields the hash covers, in the canonical form's (sorted) order.
FIELDS = (
    "action",
    "actor_id",
    "actor_name",
    "at",
    "data",
    "id",
    "ip",
    "object_id",
    "object_type",
    "prev_hash",
)

# From where: the client's address while a request is served (AuditSourceMiddleware);
# empty in the worker and in management commands.
_source: ContextVar[str] = ContextVar("samtale_audit_source", default="")


@contextmanager
def audit_source(value: str) -> Iterator[None]:
    """Entries written inside record `value` as where the action came from."""
    token = _source.set(value[:64])
    try:
        yield
    finally:
        _source.reset(token)


# The canonical form -----------------------------------------------------------------


def canonical(values: Mapping[str, Any]) -> bytes:
    """An entry as the bytes its hash is computed over: its FIELDS as JSON with sorted keys,
    no spaces, UTF-8 text as is, the time in UTC with microseconds. Defined once, never
    changed: every entry ever written is verified by it."""
    at = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    form = {name: values[name] for name in FIELDS} | {"at": at}
    return json.dumps(form, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def _values(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in FIELDS}


def _no_floats(value: object) -> None:
    # A float may come back from PostgreSQL's jsonb written otherwise (1e+20 as
    # 100000000000000000000): the hash would no longer match. Entries hold ids, kinds,
    # names of fields and counts.
    if isinstance(value, float):
        raise TypeError("audit data holds no floats: ids, kinds, names of fields and counts")
    if isinstance(value, dict):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list):
        for item in value:
            _no_floats(item)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The data as the database will give it back (JSON), so the hash computed now is the
    hash of what is read later."""
    plain: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, allow_nan=False))
    _no_floats(plain)
    return plain


# Writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One entry to append (`append`)."""

    actor: Any  # a person (org.Person), a user, or None: whoever acted
    action: str
    obj: models.Model | None = None
    data: dict[str, Any] | None = None


def _head() -> tuple[int, str]:
    """The last entry's id and hash, once the chain is this transaction's to append to."""
    last = AuditEntry.objects.order_by("-id").values_list("id", "hash").first()
    return last if last is not None else (0, GENESIS)


def append(records: Iterable[Record]) -> list[AuditEntry]:
    """Append entries to the chain, in order, in one statement after one lookup of the
    chain's head (on PostgreSQL the two are one call: samtale_audit_append, core migration
    0009). Inside the caller's transaction; errors propagate (see the module)."""
    at, source = timezone.now(), _source.get()
    entries = []
    for record in records:
        actor = record.actor
        if actor is None or not actor.is_authenticated:
            actor = None
        obj = record.obj
        entries.append(
            AuditEntry(
                at=at,
                actor=actor,
                actor_name=actor.full_name if actor is not None else "",
                action=record.action,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
                data=_plain(record.data or {}),
                ip=source,
            )
        )
    if not entries:
        return []
    if connection.vendor == "postgresql":
        return _append_in_database(entries)
    # savepoint=False: if the entry fails, the caller's transaction can only roll back.
    with transaction.atomic(savepoint=False):
        last_id, last_hash = _head()
        for n, entry in enumerate(entries, start=1):
            entry.id, entry.prev_hash = last_id + n, last_hash
            entry.hash = last_hash = entry_hash(_values(entry))
        AuditEntry.objects.bulk_create(entries)
    return entries


# The canonical form's text around its top-level id (an integer, after "data") and its
# previous hash (the last field): no JSON string can hold these unescaped quotes, and a
# nested "id" in `data` comes before the top-level one.
_ID_CUT, _END = ',"id":0,"ip":', ',"prev_hash":""}'


def canonical_parts(values: Mapping[str, Any]) -> tuple[str, str]:
    """(before, middle): canonical(values) is before + id + middle + prev_hash + '"}', for
    the database to join once it knows the id and the previous hash."""
    text = canonical(dict(values) | {"id": 0, "prev_hash": ""}).decode()
    cut = text.rindex(_ID_CUT)
    rest = text[cut + len(',"id":0') :]
    if not rest.endswith(_END):
        raise ValueError("the canonical form no longer ends with prev_hash")
    return text[:cut] + ',"id":', rest[: -len('""}')] + '"'


def _append_in_database(entries: list[AuditEntry]) -> list[AuditEntry]:
    """PostgreSQL: lock, read the head and insert every entry in one call."""
    rows = []
    for entry in entries:
        before, middle = canonical_parts(_values(entry))
        rows.append(
            {
                "before": before,
                "middle": middle,
                "at": entry.at.isoformat(),
                "actor_id": entry.actor_id,
                "actor_name": entry.actor_name,
                "action": entry.action,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "data": entry.data,
                "ip": entry.ip,
            }
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT entry_id, entry_prev, entry_hash FROM samtale_audit_append(%s, %s::jsonb)",
            [CHAIN_LOCK, json.dumps(rows, ensure_ascii=False)],
        )
        written = cursor.fetchall()
    for entry, (pk, prev_hash, hash_) in zip(entries, written, strict=True):
        entry.id, entry.prev_hash, entry.hash = pk, prev_hash, hash_
        entry._state.adding, entry._state.db = False, connection.alias
    return entries


def audit_log(
    *, actor: Any, action: str, obj: models.Model | None = None, **data: Any
) -> AuditEntry:
    """Record an action. Called by services inside their transaction; never content."""
    return append([Record(actor, action, obj, data)])[0]


def audit_download(
    actor: Any, kind: str, obj: models.Model | None = None, **data: Any
) -> AuditEntry:
    """Record a download of a file (a PDF, an archive package, a CSV or Excel export) as
    `download.<kind>`, before the file is handed over. A file that carries a conversation's
    content to someone outside its two parties is also a read of it: call audit_reads too."""
    return audit_log(actor=actor, action=f"download.{kind}", obj=obj, **data)


# What was read (the employee's page, /meg/lest/, says it in these words) ...
READ_WHAT = {
    "shared_conclusion": _("what the conclusion shares"),
    "signed_form": _("the signed follow-up form"),
    "archive_package": _("the signed form, in the archive's package"),
    # After a change of line manager, the summary the employee let the new leader read.
    "shared_summary": _("the signed summary, shared with a new line manager"),
}
# ... and in which role: HR reading a shared conclusion, the archive staff, an administrator.
READ_ROLES = {
    "hr": _("HR"),
    "archive": _("Archive"),
    "admin": _("Administrator"),
    "new_leader": _("New line manager"),
}


def audit_reads(
    actor: Any, conversations: Iterable[Any], *, what: str, role: str
) -> list[AuditEntry]:
    """Record a read of each conversation's content by someone outside its two parties:
    one `conversation.read` entry per conversation, {"as": role, "what": what}. The two
    parties' own reads are not recorded; everyone else's are, whatever the path (a page, a
    download, the archive). The employee sees these entries (audit_policy.reads_of_my_conversations)."""
    if role not in READ_ROLES or what not in READ_WHAT:
        raise ValueError(f"an unknown read: {role!r} reading {what!r}")
    return append(
        Record(actor, "conversation.read", conversation, {"as": role, "what": what})
        for conversation in conversations
        if actor is None or actor.pk not in (conversation.employee_id, conversation.leader_id)
    )


def audit_read(actor: Any, conversation: Any, *, what: str, role: str) -> AuditEntry | None:
    """audit_reads for one conversation: its entry, or None when the actor is a party."""
    entries = audit_reads(actor, [conversation], what=what, role=role)
    return entries[0] if entries else None


# Verifying --------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first entry where the chain is broken, and how."""

    id: int
    at: object  # the entry's time (None when the entry itself is missing)
    problem: str  # "missing", "link" or "content"
    detail: str


@dataclass(frozen=True)
class Verified:
    count: int
    head_id: int
    head_hash: str
    broken: Break | None


def chain_verify(*, chunk_size: int = 2000) -> Verified:
    """Walk the whole chain in id order, streaming, and recompute every hash: the count and
    the head, or the first break. A gap in the ids is a missing entry; an entry whose
    prev_hash is not its predecessor's hash has lost its link (an entry was inserted, or
    the one before changed and given a new hash); an entry whose hash is not that of its
    content was changed."""
    count, prev_id, prev_hash = 0, 0, GENESIS
    rows = AuditEntry.objects.order_by("id").values(*FIELDS, "hash")
    for row in rows.iterator(chunk_size=chunk_size):
        if row["id"] != prev_id + 1:
            missing = (
                f"{prev_id + 1}" if row["id"] == prev_id + 2 else f"{prev_id + 1}–{row['id'] - 1}"
            )
            detail = f"entries {missing} are missing before entry {row['id']}"
            return Verified(count, prev_id, prev_hash, Break(prev_id + 1, None, "missing", detail))
        if row["prev_hash"] != prev_hash:
            detail = (
                f"entry {row['id']} does not follow entry {prev_id}: the link is broken "
                f"(an entry was inserted, or entry {prev_id} was changed and given a new hash)"
            )
            return Verified(count, prev_id, prev_hash, Break(row["id"], row["at"], "link", detail))
        if entry_hash(row) != row["hash"]:
            detail = f"entry {row['id']} was changed: its content does not match its hash"
            return Verified(
                count, prev_id, prev_hash, Break(row["id"], row["at"], "content", detail)
            )
        count, prev_id, prev_hash = count + 1, row["id"], row["hash"]
    return Verified(count, prev_id, prev_hash, None)


# The log in words -------------------------------------------------------------------

# Registered by the audit app (audit.selectors.sentences_of), which stands above every
# domain as the log's words name them all: a lower floor that shows entries to a person
# (the copy of their own data, privacy) asks for them here, so one table says every entry.
_sentences: list[Callable[[list[AuditEntry]], list[str]]] = []


def sentences_register(describe: Callable[[list[AuditEntry]], list[str]]) -> None:
    """Let `describe(entries) -> [sentence]` say entries in words (audit.apps)."""
    _sentences[:] = [describe]


def sentences_of(entries: list[AuditEntry]) -> list[str]:
    """Each entry as a sentence in the active language, as the audit log's page says it;
    its code where no app has registered the words."""
    if not _sentences:
        return [entry.action for entry in entries]
    return _sentences[0](entries)
