"""The form on which a party proposes other times (views.proposals): the free times
suggested, ticked, and up to two times of their own, with an optional short message."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.conversations.services.proposals import MAX_MESSAGE

LOCAL = "%Y-%m-%dT%H:%M"


def as_value(moment: datetime) -> str:
    """A time as the form posts it: local, to the minute."""
    return timezone.localtime(moment).strftime(LOCAL)


class TimeProposalForm(forms.Form):
    suggested = forms.MultipleChoiceField(
        label=_("Times when you are both free"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    own_1 = forms.DateTimeField(
        label=_("Another time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    own_2 = forms.DateTimeField(
        label=_("And another"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        help_text=_("Only the two of you see it, and only until the proposal is answered."),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, suggestions: list[datetime], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        suggested = self.fields["suggested"]
        assert isinstance(suggested, forms.ChoiceField)
        suggested.choices = [(as_value(s), s) for s in suggestions]

    def clean_suggested(self) -> list[datetime]:
        zone = timezone.get_current_timezone()
        return [
            datetime.strptime(value, LOCAL).replace(tzinfo=zone)
            for value in self.cleaned_data["suggested"]
        ]

    def starts(self) -> list[datetime]:
        data = self.cleaned_data
        return data["suggested"] + [data[f] for f in ("own_1", "own_2") if data.get(f)]
