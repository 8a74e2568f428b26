"""API tokens: made, checked, limited and revoked here; only a digest is stored.

A token reads `smt_<prefix>_<secret>`: the prefix names it in lists, the secret (32
random bytes) is what proves it. A SHA-256 of the whole token is kept, not a slow
password hash: the secret is random and long, so no dictionary reaches it, and every API
request must check one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.api import policy
from samtale.api.models import ApiToken
from samtale.core import access
from samtale.core.audit import audit_log
from samtale.core.errors import DomainError
from samtale.core.hashing import digest

PREFIX = "smt_"


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    raw: str  # shown once, never stored


def _valid_scopes(scopes) -> list[str]:
    allowed = set(ApiToken.Scope.values)
    chosen = sorted(set(scopes))
    if not chosen or not set(chosen) <= allowed:
        raise DomainError(_("Choose at least one valid scope."), field="scopes")
    return chosen


def issue(
    *, person, name: str, scopes, days: int, kind: str = ApiToken.Kind.PERSONAL, by=None
) -> Issued:
    """A new token for `person` (a service token: for the administrator `by`)."""
    by = by or person
    if kind == ApiToken.Kind.SERVICE:
        access.require(access.may_manage_org(by))
        person = by
    else:
        access.require(by.pk == person.pk and policy.may_use_api_keys(person))
    chosen = _valid_scopes(scopes)
    if ApiToken.Scope.SCIM in chosen:
        access.require(kind == ApiToken.Kind.SERVICE)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name")
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise DomainError(
            _("Choose a lifetime between 1 and %(max)d days.")
            % {"max": settings.API_TOKEN_MAX_DAYS},
            field="days",
        )
    prefix = secrets.token_hex(4)
    raw = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        kind=kind,
        name=name[:100],
        person=person,
        prefix=prefix,
        digest=digest(raw),
        scopes=chosen,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_log(actor=by, action="api.token_created", obj=token, kind=kind, scopes=chosen)
    return Issued(token=token, raw=raw)


def revoke(token: ApiToken, *, by) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_log(actor=by, action="api.token_revoked", obj=token, kind=token.kind)


def authenticate(raw: str | None) -> ApiToken | None:
    """The usable token `raw` names, with its person loaded as the web loads a user
    (access.person_with_line); None for a malformed, unknown, revoked or expired token,
    or one whose person can no longer sign in."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.filter(digest=digest(raw)).first()
    if token is None or not token.is_usable:
        return None
    person = access.person_with_line(token.person_id)
    if person is None or not person.is_active:
        return None
    if token.kind == ApiToken.Kind.PERSONAL and not policy.may_use_api_keys(person):
        return None  # the organization no longer lets the person use the API
    token.person = person
    return token


def within_rate(token: ApiToken) -> bool:
    """Counts this request against the token's minute; False once it is over the limit.

    One UPDATE, so that every worker process counts into the same window."""
    now = timezone.now()
    window = now.replace(second=0, microsecond=0)
    ApiToken.objects.filter(pk=token.pk).update(
        window_count=Case(When(window_start=window, then=F("window_count") + 1), default=Value(1)),
        window_start=window,
        last_used_at=now,
    )
    count = ApiToken.objects.filter(pk=token.pk).values_list("window_count", flat=True).first()
    return (count or 0) <= settings.API_RATE_LIMIT_PER_MINUTE
