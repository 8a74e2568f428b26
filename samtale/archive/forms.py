from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.archive.services import JOURNAL_NUMBER_MAX_LENGTH


class ConfirmForm(forms.Form):
    """A downloaded package registered in the archive: the archive's journal number of the
    record, if the archive staff give it (free text, as the archive writes it)."""

    journal_number = forms.CharField(
        label=_("Journal number in the archive"),
        required=False,
        max_length=JOURNAL_NUMBER_MAX_LENGTH,
    )


class QueueSearchForm(forms.Form):
    """The queue's search: forms by the employee's name, number or unit, in the tab shown."""

    # What a person types; a longer text is read only this far (never refused: a search).
    MAX_LENGTH = 200

    q = forms.CharField(
        label=_("Find an employee"),
        required=False,
        help_text=_("Name, employee number or unit."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"][: self.MAX_LENGTH].split())
