"""Two-factor sign-in (allauth.mfa): who must have it, and what counts as having used it.

allauth asks for the second factor after the password or the provider (its login stage)
from anyone who has set one up. Samtale adds:

- everyone who reads another person's conversation or data must use one when the
  municipality's SAMTALE_REQUIRE_MFA is on (the default in production): leaders and their
  leaders, whoever holds a conversation as its leader, union representatives, HR,
  administrators and archive staff. Until this session has, every page but setting one up,
  signing out and the public pages sends them to the two-factor page
  (MfaRequiredMiddleware);
- a provider's own second factor counts (its ID token's `amr`, samtale.accounts.sso), and
  then allauth's stage does not ask again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from samtale import tenancy
from samtale.accounts.sso import PROVIDER_MFA
from samtale.conversations import policy as conversations_policy
from samtale.core import access
from samtale.tenancy import tenant_settings

# Set once a person has set up a second factor in this session: from then on it counts.
ENROLLED = "samtale_mfa_enrolled"


class AuthenticateStage(AllauthAuthenticateStage):
    def _should_handle(self, request) -> bool:
        if request.session.get(PROVIDER_MFA):
            return False
        return super()._should_handle(request)


def requires_mfa(user) -> bool:
    """The municipality requires two-factor, and the person reads others': by a role, or as
    the leader of a conversation that is not their own (conversations.policy)."""
    if not tenant_settings.SAMTALE_REQUIRE_MFA:
        return False
    known = getattr(user, "_samtale_requires_mfa", None)
    if known is None:
        roles = access.roles_for(user)
        known = (
            roles.is_hr
            or roles.is_admin
            or roles.is_archivist
            or roles.is_leader
            or roles.is_union_rep
            or conversations_policy.holds_others_conversations(user)
        )
        user._samtale_requires_mfa = known
    return known


def session_has_mfa(request) -> bool:
    """A second factor was used to sign in (allauth's record of it, or the provider's
    `amr`), or one was set up since (an authenticator made after the session began)."""
    session = request.session
    if session.get(PROVIDER_MFA) or session.get(ENROLLED):
        return True
    if any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    ):
        return True
    started = datetime.fromtimestamp(session.get("login_at", 0), tz=UTC)
    if Authenticator.objects.filter(
        user=request.user,
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
        created_at__gte=started,
    ).exists():
        session[ENROLLED] = True
        return True
    return False


@cache
def _api_prefix() -> str:
    return reverse("api:api-root")


@cache
def _open_prefixes() -> tuple[str, ...]:
    """Where someone who must set up two-factor may still go."""
    return (
        reverse("mfa_index"),
        reverse("account_reauthenticate"),
        reverse("logout"),
        reverse("session_status"),
        reverse("language_set"),
        reverse("health"),
        # The user guide, which says how to set up the second factor.
        reverse("help"),
        settings.STATIC_URL,
    )


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and requires_mfa(user)
            and not request.path.startswith(_open_prefixes())
            and not session_has_mfa(request)
        ):
            if request.path.startswith(_api_prefix()):
                # The API answers in JSON, with the status its schema declares.
                return JsonResponse(
                    {"detail": _("Sign in with a second factor to use the API from this session.")},
                    status=403,
                )
            if request.method == "GET":
                messages.warning(
                    request,
                    _(
                        "Your role gives you access to other people's information, so "
                        "Samtale needs a second factor when you sign in. Set up an "
                        "authenticator app or a passkey to continue."
                    ),
                )
            return redirect("mfa_index")
        return self.get_response(request)


class MfaAdapter(DefaultMFAAdapter):
    """The issuer in an authenticator app and the name of a passkey's site: the person's own
    organization (the tenant's), never the installation's first one."""

    def get_totp_issuer(self) -> str:
        return tenancy.organization_name() or "Samtale"

    def _get_site_name(self) -> str:
        return tenancy.organization_name() or "Samtale"
