import math
import time
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samtale.accounts import devices, services
from samtale.accounts.audit import sign_in_refused
from samtale.conversations.notices import KINDS, LABELS, kinds_for
from samtale.core.http import client_ip

Person = get_user_model()


def _wait_message(seconds: int) -> str:
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Too many failed sign-ins with this e-mail address. Wait %(count)d minute before "
            "you try again, or choose a new password.",
            "Too many failed sign-ins with this e-mail address. Wait %(count)d minutes before "
            "you try again, or choose a new password.",
            minutes,
        ) % {"count": minutes}
    return ngettext(
        "Too many failed sign-ins with this e-mail address. Wait %(count)d second before "
        "you try again, or choose a new password.",
        "Too many failed sign-ins with this e-mail address. Wait %(count)d seconds before "
        "you try again, or choose a new password.",
        seconds,
    ) % {"count": seconds}


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("Wrong e-mail or password. Check both and try again."),
        "inactive": _("This account is no longer active. Contact your HR department."),
        "stopped": _(
            "Sign-in with a password is stopped for this e-mail address after very many failed "
            "attempts. Choose a new password to sign in, or sign in on a device you have used "
            "before."
        ),
    }

    def _device(self, email: str) -> str | None:
        if self.request is None or devices.COOKIE not in self.request.COOKIES:
            return None
        person = Person.objects.filter(email=email).only("password", "auth_stamp").first()
        return devices.device_for(self.request, person=person)

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if not email or not self.cleaned_data.get("password"):
            return self.cleaned_data
        ip = client_ip(self.request) if self.request is not None else None
        gate = services.login_gate(email=email, ip=ip, device=self._device(email))
        if gate.stopped:
            sign_in_refused(identifier=email, reason="stopped")
            raise forms.ValidationError(self.error_messages["stopped"], code="stopped")
        if gate.wait_seconds:
            sign_in_refused(identifier=email, reason="wait")
            raise forms.ValidationError(_wait_message(gate.wait_seconds), code="wait")
        if gate.pause:
            time.sleep(gate.pause)
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.login_failed(email=email, ip=ip, gate=gate)
            raise
        services.login_succeeded(email=email)
        return cleaned


class ResetForm(PasswordResetForm):
    """Password reset that also reaches people imported without a password yet:
    the e-mailed link is how they choose their first one."""

    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args, request=None, **kwargs) -> None:
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email:
            ip = client_ip(self.request) if self.request is not None else None
            if minutes := services.reset_wait_minutes(email=email, ip=ip):
                raise forms.ValidationError(
                    ngettext(
                        "A new password has been asked for too often. Try again in %(count)d "
                        "minute, or contact your HR department.",
                        "A new password has been asked for too often. Try again in %(count)d "
                        "minutes, or contact your HR department.",
                        minutes,
                    )
                    % {"count": minutes},
                    code="too_often",
                )
        return cleaned

    def save(  # what PasswordResetView passes, by keyword
        self,
        domain_override: str | None = None,
        *args: Any,
        use_https: bool = False,
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        request = request or self.request
        services.password_reset_request(
            email=self.cleaned_data["email"],
            ip=client_ip(request) if request is not None else None,
            domain=domain_override or request.get_host(),
            https=use_https,
        )


class LanguageForm(forms.Form):
    # The person's preferred language, named as such for browsers and aids (WCAG 1.3.5).
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Person.Language.choices,
        widget=forms.Select(attrs={"autocomplete": "language"}),
    )


class NoticesForm(forms.Form):
    """Which step notices a person gets: every kind is on unless they turned it off."""

    offered: list[str]  # the kinds that can reach the person (for_person)
    kept_off: list[str]  # those off that cannot: kept as they are

    on = forms.MultipleChoiceField(
        label=_("Send me an e-mail"),
        choices=[(kind, LABELS[kind]) for kind in KINDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    @classmethod
    def for_person(cls, person, data=None):
        """Only the kinds that can reach the person; the others keep their setting."""
        form = cls(data, initial={"on": [k for k in KINDS if k not in person.notices_off]})
        form.offered = kinds_for(person)
        form.fields["on"].choices = [(kind, LABELS[kind]) for kind in form.offered]
        form.kept_off = [kind for kind in person.notices_off if kind not in form.offered]
        return form

    def off(self) -> list[str]:
        chosen = self.cleaned_data["on"]
        return self.kept_off + [kind for kind in self.offered if kind not in chosen]
