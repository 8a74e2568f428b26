"""How long a session lasts: SESSION_IDLE_MINUTES after the last request and at most
SESSION_MAX_HOURS after sign-in. SessionLimitMiddleware ends it; the page's session.js
warns SESSION_WARNING_SECONDS before and lets the person continue (WCAG 2.2.1).

The clock lives in the session itself: `login_at` and `seen_at`, seconds since the epoch.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Refreshing the idle clock at most once a minute keeps most requests from writing the
# session row (for a short idle limit, a quarter of it: a test's one-minute session would
# otherwise end a minute after sign-in however busy the person was).
SEEN_RESOLUTION_SECONDS = 60
# Set in the anonymous session that follows an expired one: the person whose session it
# was. The login page then keeps that person's drafts for them (static/js/drafts.js); after
# a sign-out it removes every draft.
EXPIRED_FOR = "expired_for"


@dataclass(frozen=True)
class SessionTime:
    seconds_left: int
    # False when the absolute limit comes first: continuing cannot move the end.
    renewable: bool


def session_start(session: Any, *, now: int) -> None:
    """Starts the clocks of a session that has none yet (its first request after sign-in)."""
    session.setdefault("login_at", now)
    session.setdefault("seen_at", now)


def session_time(session: Any, *, now: int) -> SessionTime:
    """What is left of the session at `now`, without counting as activity."""
    idle_left = session.get("seen_at", now) + settings.SESSION_IDLE_MINUTES * 60 - now
    cap_left = session.get("login_at", now) + settings.SESSION_MAX_HOURS * 3600 - now
    return SessionTime(
        seconds_left=max(0, min(idle_left, cap_left)), renewable=idle_left < cap_left
    )


def session_expired(session: Any, *, now: int) -> bool:
    """Idle too long, or signed in too long ago."""
    seen_at = session.get("seen_at", now)
    login_at = session.get("login_at", now)
    return bool(
        now - seen_at > settings.SESSION_IDLE_MINUTES * 60
        or now - login_at > settings.SESSION_MAX_HOURS * 3600
    )


def session_touch(session: Any, *, now: int) -> None:
    """A request: the idle clock starts again (to the minute)."""
    resolution = min(SEEN_RESOLUTION_SECONDS, settings.SESSION_IDLE_MINUTES * 60 // 4)
    if now - session.get("seen_at", now) >= resolution:
        session["seen_at"] = now


def session_renew(session: Any, *, now: int) -> SessionTime:
    """ "Continue" in the warning: the idle clock starts again now, to the second. The
    absolute limit stays."""
    session["seen_at"] = now
    return session_time(session, now=now)
