"""Why a calendar could not be read, in the reader's language (CalendarConnection.last_error
keeps the reason's code, readers.base; the planners and the connection page say it)."""

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from samtale.calendars.readers import base


def reason(stored: str) -> str:
    code, _sep, detail = stored.partition(":")
    if code == base.HTTP:
        return _("the server answered with an error (HTTP %(status)s)") % {"status": detail}
    messages = {
        base.TIMEOUT: _("the server did not answer in time"),
        base.TOO_SLOW: _("the server did not answer in time"),
        base.UNREACHABLE: _("the server could not be reached"),
        base.AUTH: _("the server refused access (the user name, the password or the permission)"),
        base.NOT_FOUND: _("there is no calendar at the address"),
        base.NOT_CALENDAR: _("the server sent something that is not a calendar"),
        base.TOO_LARGE: _("the calendar is larger than %(mb)d MB")
        % {"mb": max(1, settings.SAMTALE_BUSY_MAX_BYTES // 1_000_000)},
        base.TOO_MANY_EVENTS: _("the calendar holds more than %(n)s events")
        % {"n": formats.number_format(settings.SAMTALE_BUSY_MAX_EVENTS, force_grouping=True)},
        base.BAD_REDIRECT: _("the address leads on to one that is not http or https"),
        base.PASSWORD_LOST: _("the saved password can no longer be read: enter it again"),
        base.NOT_CONFIGURED: _("Microsoft 365 is not set up in Samtale"),
        base.REFUSED: _(
            "the address leads to a local or internal network address, which Samtale does "
            "not read calendars from"
        ),
    }
    return messages.get(code, _("the calendar could not be read"))
