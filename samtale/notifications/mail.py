"""E-mails as subject/text/html template triples, in the recipient's language.

The subject and the text part are plain text: rendered without HTML escaping
(`render_text`), so a place typed as `Møterom "Fjell" & Co` reads as typed and a name
with an apostrophe is not `&#x27;`. Only the HTML part is escaped.
"""

import email.policy
from email.message import MIMEPart
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from samtale import tenancy
from samtale.notifications import ics
from samtale.tenancy import tenant_settings


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template (and whatever it includes) rendered without HTML escaping."""
    template: Any = get_template(template_name)  # the Django engine's, with its own .template
    return template.template.render(Context(context, autoescape=False))


def mailer():
    """A new connection to the mail server (MAILERS["default"]), for the caller to open,
    send on and close: the outbox records a message sent before it says goodbye."""
    return mailers.default


class InvitationEmail(EmailMultiAlternatives):
    """A meeting request as mail programs show one (RFC 6047, iMIP), in the structure
    Google Calendar sends:

        multipart/mixed
          multipart/alternative
            text/plain
            text/html
            text/calendar; method=REQUEST|CANCEL; charset=utf-8
          application/ics; name=invitasjon.ics (attachment)

    Outlook and Gmail offer Accept / Decline / Propose a new time for the text/calendar
    part beside the text; the same calendar as a file is for programs that want one. The
    method parameter is read from the calendar's own METHOD, so the two never differ.
    """

    def __init__(self, *args, calendar: bytes, method: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calendar = calendar
        self.method = method
        attachment = MIMEPart(policy=email.policy.default)
        attachment.set_content(
            calendar,
            maintype="application",
            subtype="ics",
            disposition="attachment",
            filename=ics.FILENAME,
            params={"name": ics.FILENAME},
        )
        self.attach(attachment)

    def message(self, *, policy=email.policy.default):
        msg = super().message(policy=policy)
        [body] = [part for part in msg.walk() if part.get_content_type() == "multipart/alternative"]
        # The calendar's bytes as built (lines end in CRLF, as RFC 5545 has them), in base64
        # as Outlook sends it: no gateway on the way rewraps or re-encodes it.
        body.add_alternative(
            self.calendar,
            maintype="text",
            subtype="calendar",
            cte="base64",
            params={"charset": "utf-8", "method": self.method},
        )
        return msg


def render_templated(
    *,
    to,
    template: str,
    context: dict,
    calendar: bytes | None = None,
    address: str | None = None,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """Render `<template>_subject.txt`, `_body.txt` and `_body.html` into a message.

    `to` is a Person; the mail is written in their chosen language, to `address` (default:
    theirs), with `message_id` as its Message-ID when given. With a `calendar`
    (notifications.ics) it is a meeting request (InvitationEmail), From the calendar's
    ORGANIZER: RFC 6047 §3 has the sender of a request be its organizer. Sent by the worker
    (notifications.tasks), never in a request.
    """
    with translation.override(to.language or settings.LANGUAGE_CODE):
        context = {"site_url": tenancy.site_url(), **context}
        subject = " ".join(render_text(f"{template}_subject.txt", context).split())
        text = render_text(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    options: dict[str, Any] = {
        "subject": subject,
        "body": text,
        "to": [address or to.email],
        "headers": {"Message-ID": message_id} if message_id else None,
    }
    if calendar is None:
        message = EmailMultiAlternatives(from_email=tenant_settings.DEFAULT_FROM_EMAIL, **options)
    else:
        method, name, address = ics.envelope(calendar)
        message = InvitationEmail(
            from_email=formataddr((name, address)), calendar=calendar, method=method, **options
        )
    message.attach_alternative(html, "text/html")
    return message
