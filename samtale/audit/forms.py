from datetime import date

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from samtale.audit.words import KINDS
from samtale.core.forms import DateField
from samtale.core.pickers import PickerField
from samtale.org.forms import DateInput


class SearchForm(forms.Form):
    """The audit log's search: by person, kind and period, each optional."""

    person = PickerField(
        label=_("Person"),
        source="audit-person",
        required=False,
        help_text=_("What they did, and what was done to their person record."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All")), *KINDS],
        # Not Django's message, which repeats what was sent, however long.
        error_messages={"invalid_choice": _("Choose one of the kinds in the list.")},
    )
    since = DateField(label=_("From"), required=False, widget=DateInput())
    until = DateField(label=_("To"), required=False, widget=DateInput())
    error_summary = False  # the page shows the summary above its row of filters
    error_heading = _("The log was not searched. Correct this and try again:")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].bind(user)

    # Days the log can hold, and a database can compare without overflowing.
    FIRST, LAST = date(2000, 1, 1), date(2100, 12, 31)

    def _within(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not self.FIRST <= day <= self.LAST:
            raise forms.ValidationError(
                _("Choose a day from %(first)s to %(last)s."),
                code="out_of_range",
                params={
                    "first": formats.date_format(self.FIRST, "SHORT_DATE_FORMAT"),
                    "last": formats.date_format(self.LAST, "SHORT_DATE_FORMAT"),
                },
            )
        return day

    def clean_since(self):
        return self._within("since")

    def clean_until(self):
        return self._within("until")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The period ends before it begins."))
        return data
