"""The warning before a session ends (WCAG 2.2.1), on every signed-in page."""

import time

from django import template
from django.conf import settings

from samtale.accounts.services_session import session_time
from samtale.core.context_processors import chrome_urls
from samtale.core.kept import render_kept

register = template.Library()


@register.simple_tag(takes_context=True)
def session_warning(context) -> str:
    """A closed <dialog> that static/js/session.js opens SESSION_WARNING_SECONDS before the
    session ends, with how long is left as the page was made. Nothing for a signed-out page.
    Kept rendered (core.kept): the same on every page but for the person, the time left and
    the form token."""
    user = context.get("user")
    request = context.get("request")
    if user is None or not user.is_authenticated or request is None:
        return ""
    left = session_time(request.session, now=int(time.time()))
    return render_kept(
        "accounts/_session_warning.html",
        same={
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "max_hours": settings.SESSION_MAX_HOURS,
            "warn_seconds": settings.SESSION_WARNING_SECONDS,
            "urls": chrome_urls(),
        },
        slots={
            "seconds_left": str(left.seconds_left),
            "renewable": "true" if left.renewable else "false",
            "owner": str(user.pk),
            "csrf_token": context.get("csrf_token"),
        },
    )
