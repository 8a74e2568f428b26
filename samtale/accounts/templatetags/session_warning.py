"""The warning before a session ends (WCAG 2.2.1), on every signed-in page."""

import time

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import SafeString

from samtale.accounts.services_session import session_time
from samtale.core.fragments import fragment

register = template.Library()


@register.simple_tag(takes_context=True)
def session_warning(context) -> SafeString | str:
    """A closed <dialog> that static/js/session.js opens SESSION_WARNING_SECONDS before the
    session ends, with how long is left as the page was made. Nothing for a signed-out page."""
    user = context.get("user")
    request = context.get("request")
    if user is None or not user.is_authenticated or request is None:
        return ""
    left = session_time(request.session, now=int(time.time()))
    limits = (settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS)
    return fragment(
        "accounts/_session_warning.html",
        limits,
        lambda: {
            "idle_minutes": limits[0],
            "max_hours": limits[1],
            "status_url": reverse("session_status"),
            "login_url": reverse("login"),
            "logout_url": reverse("logout"),
        },
        slots={
            "seconds_left": str(left.seconds_left),
            "renewable": "true" if left.renewable else "false",
            "warn_seconds": str(settings.SESSION_WARNING_SECONDS),
            "owner": str(user.pk),
            "csrf_token": str(context.get("csrf_token", "")),
        },
    )
