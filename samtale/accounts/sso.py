"""Single sign-on (OpenID Connect through django-allauth) and the one way every sign-in ends.

Samtale keeps its own sign-in page; allauth runs the protocol (authorization code with
PKCE, the ID token's issuer, audience, expiry and signature) and the stages after it
(two-factor, samtale.accounts.mfa). The adapters here are where Samtale decides:

- nobody is created: a provider's user who is not already a person here is turned away;
- a person is found by the provider's `sub` once linked; the first sign-in links only by
  the claim the administrator chose for that provider (settings SSO_<NAME>_LINK): the
  e-mail address where the provider says it is verified, or an employee number;
- a refused or failed sign-in shows why, and is written to the audit log.
"""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import perform_login, record_authentication
from allauth.account.models import Login
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from samtale.accounts import devices
from samtale.core.audit import audit_log
from samtale.org.models import Person
from samtale.org.services import person_language_set
from samtale.tenancy import tenant_settings

log = logging.getLogger(__name__)

# The session remembers whether the provider did a second factor itself (its ID token's
# `amr`); samtale.accounts.mfa counts it.
PROVIDER_MFA = "samtale_provider_mfa"
# The language someone chose on the sign-in page (accounts.views.language_set), in the
# session until they sign in: it then becomes theirs (AccountAdapter.post_login).
LANGUAGE_CHOSEN = "samtale_language_chosen"
# What RFC 8176 and the providers call a second factor in `amr`.
MFA_AMR = {"mfa", "otp", "hwk", "swk", "sc", "fpt", "face", "pop", "sms", "tel"}


APP_FIELDS = ("provider_id", "name", "client_id", "secret", "settings")
# The claims kept of a provider's ID token and userinfo (allauth's SocialAccount.extra_data):
# what Samtale reads (the address and whether it is verified, the second factor, the claim a
# provider links by) and what names the account. A provider that sends more (a national
# identity number, groups, a phone number) has the rest dropped before the account is saved,
# at every sign-in (privacy.register).
KEPT_CLAIMS = frozenset({"sub", "iss", "amr", "acr", "email", "email_verified", "name"})


def providers() -> list[dict]:
    """The current tenant's providers (SAMTALE_SSO_PROVIDERS: the environment's SAMTALE_SSO
    for the home tenant, `tenants configure` for a registered one), for the sign-in page's
    buttons and for allauth (SocialAccountAdapter.list_apps); never another's."""
    return tenant_settings.SAMTALE_SSO_PROVIDERS or []


def provider_origins() -> list[str]:
    """Where the current tenant's providers live (scheme, host and port of each issuer)."""
    return sorted({"/".join(app["settings"]["server_url"].split("/")[:3]) for app in providers()})


def sign_in(request, user, *, redirect_url: str | None):
    """Ends a password sign-in through allauth's stages: two-factor where the person has
    it, then Django's login and the redirect (AccountAdapter.post_login).

    The password was just typed, so for allauth's next few minutes it also counts as
    confirming who you are (REAUTHENTICATION_TIMEOUT): someone sent to set up two-factor
    right after signing in is not asked for it again."""
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
    return perform_login(request, Login(user=user, email=user.email, redirect_url=redirect_url))


def claims_of(sociallogin) -> dict:
    """The ID token's claims, with the userinfo's over them."""
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def provider_did_mfa(sociallogin) -> bool:
    amr = (sociallogin.account.extra_data or {}).get("id_token", {}).get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR & {str(item).lower() for item in amr})


def kept_claims(extra_data: dict, provider_id: str) -> dict:
    """The part of `extra_data` Samtale keeps: KEPT_CLAIMS and the provider's link claim."""
    rule = _link_rule(provider_id)
    keep = KEPT_CLAIMS | ({rule.split(":", 1)[1]} if ":" in rule else set())
    return {
        part: {name: value for name, value in claims.items() if name in keep}
        for part, claims in (extra_data or {}).items()
        if part in ("id_token", "userinfo") and isinstance(claims, dict)
    }


def _link_rule(provider_id: str) -> str:
    for app in providers():
        if app["provider_id"] == provider_id:
            return app["settings"].get("link", settings.SSO_LINK_DEFAULT)
    return settings.SSO_LINK_DEFAULT


def person_for_first_sign_in(provider_id: str, claims: dict) -> Person | None:
    """The person the administrator's chosen claim names, or None."""
    rule = _link_rule(provider_id)
    if rule == "email":
        email = str(claims.get("email") or "").strip().lower()
        if not email or claims.get("email_verified") is not True:
            return None
        return Person.objects.filter(email=email).first()
    claim = rule.split(":", 1)[1]
    number = str(claims.get(claim) or "").strip()
    if not number:
        return None
    return Person.objects.filter(employee_number=number).first()


def refuse(request, *, provider_id: str, reason: str, message: str, status: int = 403):
    audit_log(actor=None, action="login.sso_refused", provider=provider_id, reason=reason)
    response = render(
        request,
        "accounts/sso_refused.html",
        {"message": message, "password_signin": tenant_settings.SAMTALE_PASSWORD_SIGNIN},
        status=status,
    )
    raise ImmediateHttpResponse(response)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        # allauth's two-factor stage, made to count the provider's own second factor.
        return [
            "samtale.accounts.mfa.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def post_login(self, request, user, **kwargs):
        chosen = request.session.pop(LANGUAGE_CHOSEN, None)
        if chosen and chosen != user.language:
            # They chose it just now, before signing in: they read Samtale in it from here on.
            person_language_set(actor=user, person=user, language=chosen)
            translation.activate(chosen)
        response = super().post_login(request, user, **kwargs)
        # This browser becomes one of the person's devices, however they signed in.
        devices.device_remember(request, response, person=user)
        return response

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # allauth's "signed in as …" and "signed out" notes say what the page already shows.
        if message_template and message_template.startswith(
            ("account/messages/logged_in", "account/messages/logged_out")
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def list_apps(self, request, provider=None, client_id=None):
        """The tenant's own providers (providers()), for every tenant alike: allauth's own
        list (the settings', and its SocialApp rows) is never read."""
        from allauth.socialaccount.models import SocialApp

        apps = []
        for config in providers():
            app = SocialApp(provider="openid_connect", **{k: config[k] for k in APP_FIELDS})
            if client_id and app.client_id != client_id:
                continue
            if provider and provider not in (app.provider_id, app.provider):
                continue
            apps.append(app)
        return apps

    def pre_social_login(self, request, sociallogin) -> None:
        provider_id = sociallogin.account.provider
        request.session[PROVIDER_MFA] = provider_did_mfa(sociallogin)
        claims = claims_of(sociallogin)
        sociallogin.account.extra_data = kept_claims(sociallogin.account.extra_data, provider_id)
        if sociallogin.is_existing:
            # allauth saved the provider's whole answer when it found the account.
            sociallogin.account.save(update_fields=["extra_data"])
            if not sociallogin.user.is_active:
                refuse(
                    request,
                    provider_id=provider_id,
                    reason="inactive",
                    message=_("Your access to Samtale has ended. Ask HR if this is wrong."),
                )
            return
        person = person_for_first_sign_in(provider_id, claims)
        if person is None or not person.is_active:
            refuse(
                request,
                provider_id=provider_id,
                reason="unknown",
                message=_(
                    "You signed in, but Samtale does not know you under that account. "
                    "Samtale only lets in people HR has registered. Ask HR or your "
                    "administrator to check your e-mail address or employee number."
                ),
            )
        sociallogin.connect(request, person)
        audit_log(actor=person, action="login.sso_linked", obj=person, provider=provider_id)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        provider_id = getattr(getattr(provider, "app", None), "provider_id", "")
        log.warning("SSO sign-in failed at %s: %s (%r)", provider_id, error, exception)
        refuse(
            request,
            provider_id=provider_id,
            reason=str(error or "error"),
            message=_(
                "The sign-in with %(provider)s did not go through. Try again; if it fails "
                "again, tell your administrator."
            )
            % {"provider": getattr(provider, "name", "")},
            status=400,
        )
