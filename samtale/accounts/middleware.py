import time
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.middleware.csp import get_nonce
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP, build_policy
from django.utils.translation import gettext as _

from samtale import tenancy
from samtale.accounts.services_session import (
    EXPIRED_FOR,
    session_expired,
    session_start,
    session_touch,
)
from samtale.accounts.sso import provider_origins
from samtale.core.http import signed_out_response


class ResolvedUserMiddleware:
    """request.user as the person itself, not Django's lazy wrapper around it. Every request
    reads the user (session limits, language), and the access policy asks about it dozens of
    times on a page, each time through the wrapper. On the operators' host, which is no
    tenant's, nobody: no session is read there (tenancy: a tenant's database is not
    reached from it), whatever cookie comes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not tenancy.active():
            request.user = AnonymousUser()
            return self.get_response(request)
        user = request.user
        user.is_authenticated  # noqa: B018 - loads the person behind the wrapper
        request.user = getattr(user, "_wrapped", user)
        return self.get_response(request)


# The REST API (samtale.api): answers JSON, never the login page.
API_PREFIX = "/api/"


@cache
def _status_path() -> str:
    return reverse("session_status")


@cache
def _login_path() -> str:
    return reverse("login")


class SessionLimitMiddleware:
    """Sign out after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS after login
    (accounts.services_session). The page warns before either (static/js/session.js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            session_start(session, now=now)
            if session_expired(session, now=now):
                person_pk = request.user.pk
                logout(request)
                # What the person typed stays in this browser for them to save after
                # signing in again (drafts.js); a sign-out, by contrast, clears it.
                request.session[EXPIRED_FOR] = person_pk
                messages.info(
                    request,
                    _("You were signed out to protect your data. Sign in again to continue."),
                )
                # The page's session.js asking how long is left gets its JSON answer, the
                # login page itself no redirect to itself, and the REST API its JSON 401
                # (or the token's answer), never a redirect to an HTML page.
                if request.path in (_status_path(), _login_path()) or request.path.startswith(
                    API_PREFIX
                ):
                    return self.get_response(request)
                return signed_out_response(request)
            # Asking how long is left is not activity: it would keep an idle session alive.
            if request.path != _status_path():
                session_touch(session, now=now)
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


class ProviderFormActionMiddleware:
    """The sign-in form posts to Samtale, which sends the browser on to the identity
    provider, and a browser holds the redirect to CSP's form-action: the tenant's own
    providers' addresses (accounts.sso.providers) are added to where a form of its pages may
    lead, and no other tenant's. Placed after Django's CSP middleware, so that it writes the
    policy first, and Django's leaves it (as it leaves a view's own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if tenancy.active() and str(CSP.HEADER_ENFORCE) not in response:
            origins = provider_origins()
            if origins:
                policy = dict(settings.SECURE_CSP)
                policy["form-action"] = [*policy.get("form-action", []), *origins]
                # Written here: Django's CSP middleware leaves a policy already written.
                response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(policy, get_nonce(request))
        return response
