"""The API keys: a person's own on their profile, and the administrators' service tokens.

The token itself is shown once, on the page that answers its creation, and never stored:
the page is rendered, not redirected to, so it is not kept in the session either."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from samtale.api import policy, tokens
from samtale.api.forms import TokenForm
from samtale.api.models import ApiToken
from samtale.core import access
from samtale.core.errors import DomainError
from samtale.core.http import guarded


def _create(request, *, kind: str):
    """The form, and the token made from it (with its one showing) when it is valid."""
    service = kind == ApiToken.Kind.SERVICE
    form = TokenForm(request.POST or None, service=service)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = tokens.issue(
                person=request.user,
                by=request.user,
                kind=kind,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except DomainError as e:
            e.add_to(form)
        else:
            form = TokenForm(service=service)
    return form, issued


@guarded(policy.may_use_api_keys)
@require_http_methods(["GET", "POST"])
def my_tokens(request):
    form, issued = _create(request, kind=ApiToken.Kind.PERSONAL)
    mine = policy.api_tokens_visible_to(request.user).filter(
        person=request.user, kind=ApiToken.Kind.PERSONAL
    )
    context = {"form": form, "issued": issued, "tokens": mine, "service": False}
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


@guarded(access.may_manage_org)
@require_http_methods(["GET", "POST"])
def service_tokens(request):
    form, issued = _create(request, kind=ApiToken.Kind.SERVICE)
    every = policy.api_tokens_visible_to(request.user).filter(kind=ApiToken.Kind.SERVICE)
    context = {
        "form": form,
        "issued": issued,
        "tokens": every.select_related("person", "revoked_by"),
        "service": True,
    }
    return render(request, "api/tokens.html", context, status=400 if form.errors else 200)


@guarded()
@require_POST
def token_revoke(request, pk):
    """Revoke a token the user may see (their own; an administrator any service token)."""
    token = policy.get_api_token_for(request.user, pk)
    tokens.revoke(token, by=request.user)
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    if token.kind == ApiToken.Kind.SERVICE:
        return redirect("api_service_tokens")
    return redirect("api_tokens")
