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
