from django import forms
from django.utils.translation import gettext_lazy as _

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
COPY_HELP = _(
    "For example: asked by e-mail on 3 March. Kept with the copy and shown to the person in "
    "their next copy."
)


def hold_form(data=None) -> ReasonForm:
    return ReasonForm(data, help_text=HOLD_HELP)


def copy_form(data=None) -> ReasonForm:
    return ReasonForm(data, help_text=COPY_HELP)
