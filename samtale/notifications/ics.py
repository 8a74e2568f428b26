"""Calendar invitations (iCalendar, RFC 5545 and the iTIP methods of RFC 5546).

A pure builder: it reads the conversation it is given and returns bytes. The
time is written in Europe/Oslo with its VTIMEZONE, so a calendar that does not
know the zone still puts the conversation at the right hour, also across the
changes to and from daylight saving time. The UID is stable for a conversation,
so an update (higher SEQUENCE) or a cancellation replaces the event in the
recipient's calendar instead of adding a second one.

Only purpose, time, place and a link go into the file: never the content of
the conversation.
"""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vCalAddress, vDDDTypes, vText

TZID = "Europe/Oslo"
PRODID = "-//Samtale//Medarbeidersamtaler//NO"
FILENAME = "invitasjon.ics"
REQUEST, CANCEL = "REQUEST", "CANCEL"


def mimetype(method: str) -> str:
    return f"text/calendar; method={method}; charset=utf-8"


def conversation_uid(conversation) -> str:
    """The same for every message about one conversation: `conversation-<pk>@<site host>`."""
    host = urlsplit(settings.SITE_URL).hostname or "samtale"
    return f"conversation-{conversation.pk}@{host}"


def _address(person, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.full_name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


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
        before, after = rule["TZOFFSETFROM"].td, rule["TZOFFSETTO"].td
        rule["DTSTART"] = vDDDTypes(_onset(rule["DTSTART"].dt, before, after, zone))
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
    link = settings.SITE_URL + reverse("preparation", args=[conversation.pk])
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
    event.add("organizer", _address(leader))
    event.add(
        "attendee",
        _address(employee, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
    )
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
