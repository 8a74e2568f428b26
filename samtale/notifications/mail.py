"""E-mails as subject/text/html template triples, in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated(*, to, template: str, context: dict, attachments=()) -> str:
    """Render `<template>_subject.txt`, `_body.txt` and `_body.html` and send them.

    `to` is a Person; the mail is written in their chosen language. Called from the
    worker (notifications.tasks), never in a request. Returns the subject.
    """
    with translation.override(to.language or settings.LANGUAGE_CODE):
        context = {"site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to.email])
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
    return subject
