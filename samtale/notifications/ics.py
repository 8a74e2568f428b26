"""Calendar invitations (iCalendar, RFC 5545 and the iTIP methods of RFC 5546).

A pure builder: it reads the conversation it is given and returns bytes. The
time is written in Europe/Oslo with its VTIMEZONE, so a calendar that does not
know the zone still puts the conversation at the right hour, also across the
changes to and from daylight saving time. The UID is stable for a conversation,
so an update (higher SEQUENCE) or a cancellation replaces the event in the
recipient's calendar instead of adding a second one.

Only purpose, time, place and a link go into the file: never the content of
the conversation.

The organizer model: the ORGANIZER is Samtale's own calendar address
(SAMTALE_CALENDAR_ADDRESS), and the leader (CHAIR) and the employee (REQ-PARTICIPANT)
are both attendees. Only an organizer may send updates and cancellations, and Samtale
sends them; the leader is a guest like the employee, not host and guest at once; and
both parties' answers (iTIP REPLY and COUNTER, read by `itip_read`) come back to an
address Samtale reads (notifications.inbox). docs/integrating/calendar.md says why.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vDDDTypes, vText, vUTCOffset

from samtale import tenancy
from samtale.tenancy import tenant_settings

TZID = "Europe/Oslo"
PRODID = "-//Samtale//Medarbeidersamtaler//NO"
FILENAME = "invitasjon.ics"
REQUEST, CANCEL = "REQUEST", "CANCEL"
# What the attendees' mail programs send back to the organizer (RFC 5546 §3.2.3, §3.2.7).
REPLY, COUNTER = "REPLY", "COUNTER"
ANSWERS = (REPLY, COUNTER)


def _host() -> str:
    return urlsplit(tenancy.site_url()).hostname or "samtale"


def conversation_uid(conversation) -> str:
    """The same for every message about one conversation: `conversation-<pk>@<site host>`."""
    return f"conversation-{conversation.pk}@{_host()}"


def conversation_pk_of(uid: str) -> int | None:
    """The conversation a UID of ours names (`conversation_uid`), or None for any other UID."""
    found = re.fullmatch(r"conversation-([1-9][0-9]{0,18})@(.+)", uid.strip())
    if found is None or found[2].lower() != _host().lower():
        return None
    return int(found[1])


def organizer(leader) -> tuple[str, str]:
    """(CN, address) of the organizer: Samtale's calendar address, on the leader's behalf.
    Also the From of every e-mail that carries the calendar (RFC 6047 §3)."""
    name = _("Samtale (for %(leader)s)") % {"leader": leader.full_name}
    return name, tenant_settings.SAMTALE_CALENDAR_ADDRESS


def envelope(data: bytes) -> tuple[str, str, str]:
    """(METHOD, the ORGANIZER's CN, its address) of a calendar built here: what the e-mail
    that carries it says outside it (the method of its part, and From)."""
    calendar = Calendar.from_ical(data)
    organizer = calendar.events[0]["ORGANIZER"]
    address = str(organizer)
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    return str(calendar["METHOD"]), str(organizer.params.get("CN", "")), address


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def _attendee(person, role: str) -> vCalAddress:
    # Every REQUEST asks both again: an update changes the time or the place, so an answer
    # to the time before no longer holds (RFC 5546 §2.1.4).
    return _address(
        person.email,
        person.full_name,
        cutype="INDIVIDUAL",
        role=role,
        partstat="NEEDS-ACTION",
        rsvp="TRUE",
    )


def _offset(value: object) -> timedelta:
    assert isinstance(value, vUTCOffset)  # a TZOFFSETFROM or TZOFFSETTO
    return value.td


def _onset(local: datetime, before: timedelta, after: timedelta, zone: ZoneInfo) -> datetime:
    """The onset as RFC 5545 reads it: the local time in the offset in force before it."""
    for instant in (local - before, local - after):
        instant = instant.replace(tzinfo=UTC)
        changes_here = (instant - timedelta(seconds=1)).astimezone(
            zone
        ).utcoffset() == before and instant.astimezone(zone).utcoffset() == after
        if changes_here:
            return (instant + before).replace(tzinfo=None)
    return local  # not a change of offset (the first observance): as it is


def oslo_vtimezone(*, first: date, last: date) -> Timezone:
    """Europe/Oslo's VTIMEZONE from zoneinfo, with each onset as RFC 5545 reads it.

    icalendar 7.3 writes the start of summer time as 03:00 (the first local time
    after the change), but the RFC combines DTSTART with TZOFFSETFROM: 03:00+01:00
    would move the change an hour late, and a calendar that reads only the file
    would put a conversation in that hour wrong. So the onsets are recomputed.
    """
    zone = ZoneInfo(TZID)
    vtimezone = Timezone.from_tzid(TZID, first_date=first, last_date=last)
    for rule in vtimezone.walk():
        if rule.name not in ("STANDARD", "DAYLIGHT"):
            continue
        before, after = _offset(rule["TZOFFSETFROM"]), _offset(rule["TZOFFSETTO"])
        start = rule["DTSTART"]
        assert isinstance(start, vDDDTypes) and isinstance(start.dt, datetime)
        rule["DTSTART"] = vDDDTypes(_onset(start.dt, before, after, zone))
        rdates = rule.pop("RDATE", [])
        dates = [
            d.dt for group in (rdates if isinstance(rdates, list) else [rdates]) for d in group.dts
        ]
        if dates:
            rule.add("rdate", [_onset(d, before, after, zone) for d in dates])
    return vtimezone


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """Europe/Oslo wall time; in UTC instead in the hour the clocks go back, because
    a wall time there (02:30) happens twice and a calendar would read the first."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def conversation_ics(
    conversation, *, method: str, sequence: int, now: datetime | None = None
) -> bytes:
    """One VEVENT for the conversation, with METHOD REQUEST (invite, update) or CANCEL."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unsupported iTIP method {method!r}")
    oslo = ZoneInfo(TZID)
    # Add the length in UTC: wall-clock arithmetic would be wrong across a DST change.
    start = _local(conversation.scheduled_at, oslo)
    end = _local(
        conversation.scheduled_at.astimezone(UTC)
        + timedelta(minutes=conversation.duration_minutes),
        oslo,
    )
    link = tenancy.site_url() + reverse("preparation", args=[conversation.pk])
    employee, leader = conversation.employee, conversation.leader

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(
        oslo_vtimezone(first=date(start.year - 1, 1, 1), last=date(end.year + 2, 1, 1))
    )
    event = Event()
    event.add("uid", conversation_uid(conversation))
    event.add("dtstamp", (now or timezone.now()).astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add(
        "summary",
        _("Employee conversation: %(employee)s and %(leader)s")
        % {"employee": employee.full_name, "leader": leader.full_name},
    )
    if conversation.place:
        event.add("location", conversation.place)
    event.add(
        "description",
        _(
            "A planned, prepared and confidential conversation about your work, your "
            "development and how you are doing. Prepare by writing notes on the themes: %(link)s"
        )
        % {"link": link},
    )
    event.add("url", link)
    name, address = organizer(leader)
    event.add("organizer", _address(address, name))
    event.add("attendee", _attendee(leader, "CHAIR"))
    event.add("attendee", _attendee(employee, "REQ-PARTICIPANT"))
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


@dataclass(frozen=True)
class Answer:
    """One attendee's answer as their mail program sent it back (an iTIP REPLY or COUNTER).

    Only what Samtale acts on: never the COMMENT, SUMMARY or any other text in it, which
    could carry content.
    """

    method: str  # REPLY or COUNTER
    uid: str
    sequence: int  # the SEQUENCE of the invitation it answers
    stamp: datetime  # its DTSTAMP, in UTC: of two answers to one SEQUENCE the later counts
    partstat: dict[str, str]  # each ATTENDEE's address (lower case) -> its PARTSTAT
    start: datetime | None = None  # COUNTER: the time proposed, in UTC (None: not a time)
    end: datetime | None = None


def mailto(value) -> str:
    """`mailto:Kari@Example.no` -> `kari@example.no`, as addresses are compared here."""
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return text.strip().lower()


def _instant(value) -> datetime | None:
    """A DATE-TIME as UTC (a floating one read in Europe/Oslo); None for a DATE."""
    moment = getattr(value, "dt", None)
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=ZoneInfo(TZID))
    return moment.astimezone(UTC)


def _answer(method: str, event) -> Answer:
    uid, stamp = event.get("UID"), _instant(event.get("DTSTAMP"))
    if not uid or stamp is None:
        raise ValueError("an answer needs a UID and a DTSTAMP")
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    partstat = {
        mailto(attendee): str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper()
        for attendee in attendees
    }
    start = end = None
    if method == COUNTER:
        start = _instant(event.get("DTSTART"))
        end = _instant(event.get("DTEND"))
        if start is not None and end is None and event.get("DURATION") is not None:
            end = start + event["DURATION"].dt
        if start is None or end is None or end <= start:
            start = end = None
    return Answer(
        method=method,
        uid=str(uid),
        sequence=int(event.get("SEQUENCE", 0)),
        stamp=stamp,
        partstat=partstat,
        start=start,
        end=end,
    )


def itip_read(data: bytes | str) -> list[Answer]:
    """The answers in an iCalendar object whose METHOD is REPLY or COUNTER, one per VEVENT
    (an occurrence of a recurring event, RECURRENCE-ID, is not one of ours and is left out);
    [] for any other METHOD. Raises ValueError for what is not iCalendar or is an answer
    without a UID or DTSTAMP: whatever the sender wrote, never another exception."""
    if isinstance(data, str):
        # icalendar reads a str without a line break as the name of a file to open: what a
        # stranger sent must never name a file on this machine.
        data = data.encode()
    try:
        calendar = Calendar.from_ical(data)
        method = str(calendar.get("METHOD", "")).strip().upper()
        if method not in ANSWERS:
            return []
        return [
            _answer(method, event)
            for event in calendar.walk("VEVENT")
            if event.get("RECURRENCE-ID") is None
        ]
    except ValueError:
        raise
    except Exception as error:  # a parser's error on what someone sent: not ours to crash on
        raise ValueError(f"not an iCalendar object: {error!r}") from error
