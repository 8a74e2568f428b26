"""E-mails as subject/text/html template triples, in the recipient's language.

The subject and the text part are plain text: rendered without HTML escaping
(`render_text`), so a place typed as `Møterom "Fjell" & Co` reads as typed and a name
with an apostrophe is not `&#x27;`. Only the HTML part is escaped.
"""

from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template (and whatever it includes) rendered without HTML escaping."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def mailer():
    """A new connection to the mail server (MAILERS["default"]), for the caller to open,
    send on and close: the outbox records a message sent before it says goodbye."""
    return mailers.default


def render_templated(
    *,
    to,
    template: str,
    context: dict,
    attachments=(),
    address: str | None = None,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """Render `<template>_subject.txt`, `_body.txt` and `_body.html` into a message.

    `to` is a Person; the mail is written in their chosen language, to `address` (default:
    theirs), with `message_id` as its Message-ID when given. Sent by the worker
    (notifications.tasks), never in a request.
    """
    with translation.override(to.language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_text(f"{template}_subject.txt", context).split())
        text = render_text(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [address or to.email],
        headers={"Message-ID": message_id} if message_id else None,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        if ";" in mimetype:
            message.attach(_text_part(filename, content, mimetype))
        else:
            message.attach(filename, content, mimetype)
    return message


def _text_part(filename: str, content: str | bytes, mimetype: str) -> MIMEPart:
    """A text attachment whose content type carries parameters.

    Django's attach() takes a bare type; a calendar invitation needs
    `text/calendar; method=REQUEST`, which mail programs read to show it as one.
    """
    kind, *pairs = (part.strip() for part in mimetype.split(";"))
    maintype, subtype = kind.split("/", 1)
    if maintype != "text":
        raise ValueError(f"only text attachments may carry parameters, not {mimetype!r}")
    params = dict(pair.split("=", 1) for pair in pairs if pair)
    charset = params.pop("charset", "utf-8")
    text = content.decode(charset) if isinstance(content, bytes) else content
    part = MIMEPart()
    part.set_content(
        text,
        subtype=subtype,
        charset=charset,
        params=params,
        disposition="attachment",
        filename=filename,
    )
    return part
