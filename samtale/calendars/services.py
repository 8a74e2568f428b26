"""Connecting, changing, testing and removing a person's calendar connection.

Each change is audited (the kind and the server, never the address or the password: a
published calendar's address is a secret that opens its events), and gives the connection a
new `changed_at`, which is part of the busy-time cache's key: what was read from the old
connection is not used again, in any process.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.calendars import keys, policy, selectors
from samtale.calendars.models import CalendarConnection
from samtale.calendars.readers import graph, guard
from samtale.calendars.readers.base import Unreadable
from samtale.core.access import require
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError, checked
from samtale.core.forms import validate_web_address
from samtale.org.models import Person

Kind = CalendarConnection.Kind


def shown(url: str) -> str:
    """What the pages show of an address: its scheme and server, never its path (where a
    published calendar's secret is)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host  # an IPv6 address, as in an address
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}/…"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port)


@transaction.atomic
def connection_save(
    *,
    actor: Person,
    person: Person,
    kind: str,
    url: str = "",
    username: str = "",
    password: str = "",
    mailbox: str = "",
) -> CalendarConnection:
    """Connect `person`'s calendar, or change the connection.

    An empty `url` or `password` keeps the saved one (the pages never show them back).
    An address whose name resolves to Samtale's own network is refused (readers.guard),
    unless SAMTALE_BUSY_ALLOWED_NETWORKS allows it.
    A saved password goes only to the server it was given for: with an address on another
    server, it must be given again.
    """
    require(policy.may_connect_calendar(actor, person))
    if kind not in Kind.values:
        raise DomainError(_("Choose what kind of calendar it is."), field="kind")
    connection = CalendarConnection.objects.select_for_update().filter(
        person=person
    ).first() or CalendarConnection(person=person)
    old_url = keys.decrypt(connection.url) if connection.url and _readable(connection.url) else ""
    if kind == Kind.GRAPH:
        _require_graph()
        url = username = password = ""
        old_url = ""
        connection.password = ""
    else:
        mailbox = ""
        url = url or (old_url if connection.kind == kind else "")
        _check_address(url)
    if kind == Kind.ICS:
        username = password = ""
        connection.password = ""
    if kind == Kind.CALDAV:
        _caldav_account(connection, old_url=old_url, url=url, username=username, password=password)
    is_new = connection.pk is None
    connection.kind = kind
    connection.url = keys.encrypt(url) if url else ""
    connection.shown_url = shown(url) if url else ""
    connection.username = username
    connection.mailbox = mailbox
    connection.changed_by = actor
    connection.last_error, connection.last_error_at = "", None
    connection.save()
    audit_log(
        actor=actor,
        action="calendar.connected" if is_new else "calendar.changed",
        obj=person,
        kind=kind,
        server=connection.shown_url,
    )
    return connection


def _require_graph() -> None:
    if not graph.configured():
        raise DomainError(
            _(
                "Microsoft 365 is not set up in Samtale yet. Ask the administrator, or "
                "publish the calendar from Outlook and use its ICS address."
            ),
            field="kind",
        )


def _check_address(url: str) -> None:
    """An address Samtale may read: given, a web address (core.forms), not on its own network. Checked
    here so the form says so at once; the readers check again at every connection, since
    the name may resolve elsewhere later (readers.guard)."""
    if not url:
        raise DomainError(_("Give the calendar's address."), field="url")
    checked(validate_web_address, url, field="url")  # the form's rule, for every caller
    if guard.url_refused(url):
        raise DomainError(
            _(
                "Samtale does not read calendars at local or internal network addresses. "
                "If this is your organization's own calendar server, ask the "
                "administrator to allow it."
            ),
            field="url",
        )


def _caldav_account(
    connection: CalendarConnection, *, old_url: str, url: str, username: str, password: str
) -> None:
    """Set the CalDAV password (a new one, or the saved one kept) and require the account.
    A saved password goes only to the server it was given for."""
    moved = bool(old_url) and _origin(old_url) != _origin(url)
    keep = connection.kind == Kind.CALDAV and not moved and _readable(connection.password)
    if password:
        connection.password = keys.encrypt(password)
    elif not keep:
        connection.password = ""
    if not username:
        raise DomainError(_("Give the user name of the CalDAV account."), field="username")
    if not connection.password:
        raise DomainError(
            _("The address is on another server: give the password again.")
            if moved
            else _("Give the password of the CalDAV account."),
            field="password",
        )


def _readable(stored: str) -> bool:
    try:
        keys.decrypt(stored)
    except keys.Undecryptable:
        return False
    return True


@transaction.atomic
def connection_delete(*, actor: Person, person: Person) -> None:
    require(policy.may_connect_calendar(actor, person))
    deleted, _rows = CalendarConnection.objects.filter(person=person).delete()
    if not deleted:
        raise DomainError(_("No calendar is connected."))
    audit_log(actor=actor, action="calendar.removed", obj=person)


@dataclass(frozen=True)
class ConnectionCheck:
    """A test of a connection: how many busy intervals it holds this week, or why it could
    not be read (a reason code, calendars.reasons)."""

    count: int = 0
    error: str = ""
    week_start: datetime | None = None


def connection_test(*, actor: Person, person: Person) -> ConnectionCheck:
    """Read the connection now, past the cache, for this week (Monday to Sunday, local), and
    write down how it went. Nothing is kept of what was read but the count."""
    require(policy.may_connect_calendar(actor, person))
    connection = selectors.connection_of(person)
    if connection is None:
        raise DomainError(_("No calendar is connected."))
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    results = selectors.read_now([connection], start, end)
    selectors.record([connection], results)
    answer = results[connection.pk]
    if isinstance(answer, Unreadable):
        return ConnectionCheck(error=answer.stored, week_start=start)
    return ConnectionCheck(count=len(answer), week_start=start)
