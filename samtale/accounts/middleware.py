import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

# Refreshing the idle clock at most once a minute keeps most requests from
# writing the session row.
SEEN_RESOLUTION_SECONDS = 60


class ResolvedUserMiddleware:
    """request.user as the person itself, not Django's lazy wrapper around it. Every request
    reads the user (session limits, language), and the access policy asks about it dozens of
    times on a page, each time through the wrapper."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        user.is_authenticated  # noqa: B018 - loads the person behind the wrapper
        request.user = getattr(user, "_wrapped", user)
        return self.get_response(request)


class SessionLimitMiddleware:
    """Sign out after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            login_at = session.setdefault("login_at", now)
            seen_at = session.setdefault("seen_at", now)
            idle = now - seen_at > settings.SESSION_IDLE_MINUTES * 60
            too_old = now - login_at > settings.SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out to protect your data. Sign in again to continue."),
                )
                response = redirect_to_login(request.get_full_path())
                if getattr(request, "htmx", False):
                    # htmx's XMLHttpRequest follows a redirect unseen and would swap the
                    # login page into the fragment; a 200 with HX-Redirect makes it go there.
                    response = HttpResponseClientRedirect(response["Location"])
                # Drafts of texts not yet saved (autosave.js) leave the browser with the
                # session; the login page's script removes them too. Cookies stay.
                response["Clear-Site-Data"] = '"storage"'
                return response
            if now - seen_at >= SEEN_RESOLUTION_SECONDS:
                session["seen_at"] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person reads the app in the language they chose in their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
