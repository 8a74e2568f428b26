"""The REST API, /api/v1/: django-ninja over the same access policy and services as the web.

Every endpoint asks samtale.core.access (`get_<thing>_for`, `<things>_visible_to`,
`may_*`), never decides itself; every write goes through the service the web's form calls,
so it is validated and audited the same way. Refusals are JSON, each with its status in
the schema: an object the caller may not see is 404 with the same body as a missing one.
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError

from samtale.api.auth import RateLimited, session_auth, token_auth
from samtale.core.errors import DomainError

DESCRIPTION = """
Samtale's data for other systems and scripts, through the same access policy as the web:
a token acts as its person and sees what they see in the web, narrowed by its scopes.

**Authentication.** `Authorization: Bearer smt_…` with a token made under *Profile → API
keys* (or, for a service, by an administrator). Reading needs the scope `read`, changing
`write`; `scim` gives no access here. The app's own pages use the browser session; a change
through the session needs the `X-CSRFToken` header.

**Errors.** JSON `{"detail": …}`: 401 for a missing, unknown, expired or revoked token; 403
where the web refuses too, for a missing scope, or a failed CSRF check; 404 for what does
not exist *or* is not yours to see (the same answer); 413 for a body over the limit; 422
for parameters or a body that do not match the schema; 429 over the token's requests per
minute (`Retry-After` says when to try again).
"""


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The function's name (me, action_update): unique here, and what a client reads.
        return operation.view_func.__name__


api = Api(
    title="Samtale API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[token_auth, session_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, detail, **extra):
    return api.create_response(request, {"detail": str(detail), **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    # Never the reason: a hidden object and a missing one answer alike.
    return _error(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, _("You do not have access to this."))


@api.exception_handler(DomainError)
def refused(request, exc: DomainError):
    return _error(request, 400, exc.message, field=exc.field)


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    return _error(request, 413, _("Request body too large."))


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = _error(
        request, 401, _("Authentication required: a valid token, or a signed-in session.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="samtale"'
    return response


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    response = _error(request, 429, _("Too many requests. Try again in a minute."))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, exc.message)


from samtale.api.endpoints import (  # noqa: E402 - the routers register on `api`
    actions,
    competence,
    conversations,
    insight,
    me,
    org,
    rounds,
)

api.add_router("", me.router)
api.add_router("/conversations", conversations.router)
api.add_router("/actions", actions.router)
api.add_router("/rounds", rounds.router)
api.add_router("", org.router)
api.add_router("/insight", insight.router)
api.add_router("", competence.router)
