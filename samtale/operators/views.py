"""The operators' page, on the operators' host only (SAMTALE_OPERATOR_HOSTS): the register
of tenants — names, host names, state, when made — and suspending or resuming one. Nothing
of any tenant's content: no person, no figure, no count of rows."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from samtale.archive import causes
from samtale.core import health
from samtale.core.http import client_ip
from samtale.operators import operators, services
from samtale.operators.policy import may_operate
from samtale.tenancy.models import Registration


class OperatorLoginForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    password = forms.CharField(
        label=gettext_lazy("Password"), max_length=200, widget=forms.PasswordInput
    )


@require_http_methods(["GET", "HEAD"])
def operator_home(request):
    operator = operators.operator_of(request)
    if not may_operate(operator):
        return redirect("operator_login")
    rows = list(Registration.objects.prefetch_related("hosts").order_by("name"))
    # Each tenant's health as the scheduler last checked it inside the tenant, read from the
    # control database: this host reaches no tenant's database.
    checked = health.tenants_health()
    for row in rows:
        row.health = _health_of(checked.get(row.slug))
    context = {
        "operator": operator,
        "tenants": rows,
    }
    return render(request, "tenants/operator_home.html", context, using="operators")


# The scheduler checks every tenant each minute: older than this, it has stopped doing so.
HEALTH_STALE = timedelta(minutes=5)


def _health_of(record) -> dict:
    if record is None:
        return {"known": False}
    return {
        "known": True,
        "ok": record.ok,
        "failing": [
            f"{name}: {answer}" for name, answer in record.checks.items() if answer != "ok"
        ],
        "checked_at": record.checked_at,
        "stale": timezone.now() - record.checked_at > HEALTH_STALE,
        # The certificate of the latest period's proof (insight.health), if any.
        "proof": record.notes.get("proof"),
        # Its way to the archive over Fiks IO (archive.health): why not, and until when.
        "fiks": _fiks_of(record.notes.get("fiks")),
    }


def _fiks_of(note: dict | None) -> dict | None:
    if not note:
        return None
    expires = note.get("certificate_expires")
    # Said in the operator's language where the note carries the cause (archive.causes).
    reason = causes.error_text(note["said"]) if note.get("said") else note.get("reason", "")
    return {
        **note,
        "reason": reason,
        "certificate_expires": date.fromisoformat(expires) if expires else None,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def operator_login(request):
    form = OperatorLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = client_ip(request)
        if not operators.attempt_take(form.cleaned_data["username"], address):
            form.add_error(None, _("Too many failed sign-ins. Try again in a quarter of an hour."))
            return render(
                request,
                "tenants/operator_login.html",
                {"form": form},
                using="operators",
                status=429,
            )
        operator = operators.authenticate(
            form.cleaned_data["username"], form.cleaned_data["password"], address
        )
        if operator is not None:
            operators.attempts_forgive(form.cleaned_data["username"], address)
            response = redirect("operator_home")
            operators.sign_in(response, operator)
            return response
        form.add_error(None, _("The user name or the password is wrong."))
    return render(request, "tenants/operator_login.html", {"form": form}, using="operators")


@require_POST
def operator_logout(request):
    response = redirect("operator_login")
    operators.sign_out(response, operators.operator_of(request))
    return response


@require_POST
def operator_state(request, slug):
    if not may_operate(operators.operator_of(request)):
        raise PermissionDenied
    suspend = request.POST.get("state") == "suspended"
    try:
        services.tenant_suspend(slug, suspended=suspend)
    except services.TenantError as error:
        messages.error(request, str(error))
        return redirect("operator_home")
    name = Registration.objects.filter(slug=slug).values_list("name", flat=True).first() or slug
    if suspend:
        text = _("%(name)s is suspended: its addresses answer 503.")
    else:
        text = _("%(name)s is open again.")
    messages.success(request, text % {"name": name})
    return redirect("operator_home")
