"""The insight pages' filters: the year, the profession group and the round."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    """The year the insight pages show: this year unless another is asked for, never one
    after next year (nothing is planned that far ahead)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, required=False)

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = timezone.localdate().year + 1
        if year is not None and year > last:
            raise forms.ValidationError(
                _("Choose a year up to %(last)s.") % {"last": last}, code="max_value"
            )
        return year


class ProfessionForm(forms.Form):
    """The profession group whose answers the page shows (all when none is chosen)."""

    yrke = forms.ChoiceField(label=_("Profession group"), required=False)

    def __init__(self, *args, professions: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["yrke"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All"))] + [(p, p) for p in professions]


class RoundForm(forms.Form):
    """A round instead of a year: the status analysis of its conversations alone."""

    runde: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Or a round"), queryset=None, required=False, empty_label=_("None (the year)")
    )

    def __init__(self, *args, rounds, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["runde"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = rounds.order_by("-period_start", "-pk")
