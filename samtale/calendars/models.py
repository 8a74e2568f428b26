"""A person's calendar elsewhere, which Samtale reads for when they are busy.

Only free/busy is ever read or kept: a start and an end. Event titles, places and people
never reach Samtale's database, cache or pages (samtale.calendars.readers).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarConnection(models.Model):
    """Where a person's calendar is read from; one per person.

    The address and the password are kept encrypted (samtale.calendars.keys): a published
    calendar's address (Outlook's and Google's "secret address") opens every event, titles
    and all, to whoever has it, so it is as much a secret as a password. The pages show only
    its server (`shown_url`), and a password only as "saved". `last_error` (a reason code,
    calendars.reasons) and `last_read_at` say how the last read went. `changed_at` is part of
    the cache key of what was read, so a changed connection is read afresh in every process.
    """

    class Kind(models.TextChoices):
        CALDAV = "caldav", _("CalDAV account")
        ICS = "ics", _("Published calendar or free/busy address (ICS)")
        GRAPH = "graph", _("Microsoft 365 (Outlook)")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_connection"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # CalDAV: the calendar's address; ICS: the published file's (both encrypted). Microsoft
    # 365 needs none.
    url = models.TextField(blank=True)
    shown_url = models.CharField(max_length=300, blank=True)  # scheme and server only
    username = models.CharField(_("user name"), max_length=200, blank=True)
    password = models.TextField(blank=True)  # encrypted
    # Microsoft 365: the mailbox whose schedule is read; empty: the person's e-mail address.
    mailbox = models.EmailField(_("mailbox"), blank=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_read_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=40, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.person_id})"

    @property
    def has_password(self) -> bool:
        return bool(self.password)
