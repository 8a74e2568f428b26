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
