"""Microsoft 365 (Exchange Online), through Microsoft Graph's getSchedule: the free/busy of
a mailbox, as Outlook's scheduling assistant shows it.

Samtale signs in as itself (OAuth client credentials, with msal's
ConfidentialClientApplication) with the app registration's tenant, client id and secret
(SAMTALE_GRAPH_*), and asks POST /users/{mailbox}/calendar/getSchedule for the window, in
UTC. getSchedule answers each item's status, start and end, and, where the permission
allows, its subject and place: only the status and the times are read, nothing else is
kept. Busy: "busy", "oof" (away) and "tentative"; not busy: "free", "workingElsewhere".

The administrator's part in Entra ID is in docs/integrating/calendar.md. SAMTALE_GRAPH_URL
and SAMTALE_GRAPH_AUTHORITY_URL point elsewhere than Microsoft only for tests. Being the
operator's addresses, not a person's, they are read with unchecked sessions: readers.guard's
refusal of internal addresses does not apply to them (the mailbox, the one thing a person
gives, goes only into the path). The readers' limits do (readers.limits): the size of an
answer, and the read's deadline, which closes msal's connections as well as getSchedule's.
"""

import json
import threading
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msal
import requests
from django.conf import settings

from samtale.calendars.readers import http
from samtale.calendars.readers.base import (
    AUTH,
    NOT_CALENDAR,
    NOT_CONFIGURED,
    NOT_FOUND,
    Interval,
    Source,
    Unreadable,
)
from samtale.tenancy import tenant_settings

BUSY = {"busy", "oof", "tentative"}
_apps: dict[tuple, msal.ConfidentialClientApplication] = {}
_lock = threading.Lock()


def configured() -> bool:
    return bool(
        tenant_settings.SAMTALE_GRAPH_TENANT_ID
        and tenant_settings.SAMTALE_GRAPH_CLIENT_ID
        and tenant_settings.SAMTALE_GRAPH_CLIENT_SECRET
    )


def _app() -> msal.ConfidentialClientApplication:
    """One msal application per process (and settings): it keeps the token until it
    expires, so a page asks Entra ID for one only about once an hour."""
    if not configured():
        raise Unreadable(NOT_CONFIGURED, "SAMTALE_GRAPH_* are not set")
    directory = tenant_settings.SAMTALE_GRAPH_TENANT_ID
    authority = f"{settings.SAMTALE_GRAPH_AUTHORITY_URL.rstrip('/')}/{directory}"
    key = (
        authority,
        tenant_settings.SAMTALE_GRAPH_CLIENT_ID,
        tenant_settings.SAMTALE_GRAPH_CLIENT_SECRET,
        http.verify(),
        http.timeout(),
    )
    with _lock:
        if key not in _apps:
            try:
                _apps[key] = msal.ConfidentialClientApplication(
                    tenant_settings.SAMTALE_GRAPH_CLIENT_ID,
                    client_credential=tenant_settings.SAMTALE_GRAPH_CLIENT_SECRET,
                    authority=authority,
                    # Entra ID's own hosts need no discovery; any other (a test's) must not
                    # send msal to Microsoft to ask about it.
                    instance_discovery=False,
                    http_client=http.session(checked=False),
                )
            except ValueError as refused:  # the tenant is unknown, or the address wrong
                raise Unreadable(NOT_CONFIGURED, str(refused)[:200]) from None
        return _apps[key]


def token() -> str:
    scope = f"{settings.SAMTALE_GRAPH_URL.rstrip('/')}/.default"
    app = _app()
    with _lock:
        answer = app.acquire_token_for_client(scopes=[scope])
    if "access_token" not in answer:
        raise Unreadable(AUTH, f"{answer.get('error')}: {answer.get('error_description')}"[:200])
    return answer["access_token"]


def _moment(value: dict) -> datetime:
    """A dateTimeTimeZone: "2026-11-30T08:00:00.0000000" in "UTC" (as asked for)."""
    text = value["dateTime"]
    moment = datetime.fromisoformat(text[:26] if "." in text else text)
    name = value.get("timeZone") or "UTC"
    try:
        zone = UTC if name.upper() in ("UTC", "Z") else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Unreadable(NOT_CALENDAR, f"time zone {name!r}") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def intervals(answer: dict) -> list[Interval]:
    """The busy items of getSchedule's answer for one mailbox."""
    try:
        [schedule] = answer["value"]
        if "error" in schedule:
            raise Unreadable(NOT_FOUND, str(schedule["error"].get("message", ""))[:200])
        return [
            Interval(_moment(item["start"]), _moment(item["end"]))
            for item in schedule.get("scheduleItems", [])
            if str(item.get("status", "")).lower() in BUSY
        ]
    except (AttributeError, KeyError, TypeError, ValueError) as garbled:
        raise Unreadable(NOT_CALENDAR, type(garbled).__name__) from None


def read(source: Source, start: datetime, end: datetime) -> list[Interval]:
    mailbox = source.mailbox
    base = settings.SAMTALE_GRAPH_URL.rstrip("/")
    utc = "%Y-%m-%dT%H:%M:%S"
    try:
        bearer = token()
    except requests.RequestException as failed:
        raise http.failure(failed) from None
    body = http.fetch(
        f"{base}/v1.0/users/{quote(mailbox, safe='@')}/calendar/getSchedule",
        method="POST",
        headers={"Authorization": f"Bearer {bearer}", "Prefer": 'outlook.timezone="UTC"'},
        json={
            "schedules": [mailbox],
            "startTime": {"dateTime": start.astimezone(UTC).strftime(utc), "timeZone": "UTC"},
            "endTime": {"dateTime": end.astimezone(UTC).strftime(utc), "timeZone": "UTC"},
            "availabilityViewInterval": 15,
        },
        checked=False,
    )
    try:
        answer = json.loads(body)
    except ValueError:
        raise Unreadable(NOT_CALENDAR, "not JSON") from None
    return intervals(answer)
