from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.privacy.models import AccessCopy
from samtale.privacy.services import MAX_REASON


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text


HOLD_HELP = _(
    "For example a dispute or a case under way. The person reads this reason in their own "
    "copy of their data."
)


def hold_form(data=None) -> ReasonForm:
    return ReasonForm(data, help_text=HOLD_HELP)


class CopyRequestForm(forms.Form):
    """HR's request for a person's copy: why, how and when they asked, and, for one who has
    left, the address they want it sent to (the field is only there for them)."""

    reason = forms.ChoiceField(
        label=_("Why"),
        choices=AccessCopy.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("How and when they asked"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: asked by e-mail on 3 March. Kept with the request; the person sees "
            "it with the request."
        ),
    )
    address = forms.EmailField(
        label=_("The e-mail address they want it sent to"),
        max_length=254,
        help_text=_(
            "They have left and cannot sign in: a one-time link goes to this address, and the "
            "code that opens it in a second e-mail. Use the address in their request."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, data=None, *, person):
        super().__init__(data)
        if person.is_active:
            del self.fields["address"]


class CodeForm(forms.Form):
    """The code from the second e-mail, on the one-time link's page."""

    error_heading = _("The copy was not downloaded. Correct this and try again:")

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The code in the second e-mail, which came apart from the link."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )
