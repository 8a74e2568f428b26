"""The warning before a session ends (WCAG 2.2.1), on every signed-in page."""

import time

from django import template
from django.conf import settings

from samtale.accounts.services_session import session_time
from samtale.core.context_processors import chrome_urls

register = template.Library()


@register.inclusion_tag("accounts/_session_warning.html", takes_context=True)
def session_warning(context) -> dict:
    """A closed <dialog> that static/js/session.js opens SESSION_WARNING_SECONDS before the
    session ends, with how long is left as the page was made. Nothing for a signed-out page."""
    user = context.get("user")
    request = context.get("request")
    if user is None or not user.is_authenticated or request is None:
        return {"show": False}
    left = session_time(request.session, now=int(time.time()))
    return {
        "show": True,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "max_hours": settings.SESSION_MAX_HOURS,
        "seconds_left": left.seconds_left,
        "renewable": left.renewable,
        "warn_seconds": settings.SESSION_WARNING_SECONDS,
        "owner": user.pk,
        "csrf_token": context.get("csrf_token", ""),
        "urls": chrome_urls(),
    }
