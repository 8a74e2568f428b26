from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samtale.accounts import services
from samtale.notifications.outbox import email_queue

Person = get_user_model()


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("Wrong e-mail or password. Check both and try again."),
        "inactive": _("This account is no longer active. Contact your HR department."),
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data
        ip = client_ip(self.request)
        if minutes := services.login_lockout_minutes(email=email, ip=ip):
            raise self._locked(minutes)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failure_record(email=email, ip=ip)
            if minutes := services.login_lockout_minutes(email=email, ip=ip):
                raise self._locked(minutes) from None
            raise
        services.login_failures_clear(email=email)
        return cleaned

    def _locked(self, minutes: int) -> forms.ValidationError:
        return forms.ValidationError(
            ngettext(
                "Too many failed sign-ins. Sign-in is locked for %(minutes)d more minute. "
                "You can also reset your password.",
                "Too many failed sign-ins. Sign-in is locked for %(minutes)d more minutes. "
                "You can also reset your password.",
                minutes,
            )
            % {"minutes": minutes},
            code="locked",
        )


class ResetForm(PasswordResetForm):
    """Password reset that also reaches people imported without a password yet:
    the e-mailed link is how they choose their first one."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email):
        return Person.objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, *, domain_override=None, use_https=False, request=None, **kwargs):
        domain = domain_override or request.get_host()
        for person in self.get_users(self.cleaned_data["email"]):
            email_queue(
                to=person, kind="password_reset", ref={"domain": domain, "https": use_https}
            )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Person.Language.choices)
