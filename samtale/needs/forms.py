from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import MAX_COST, CompetenceKind
from samtale.needs.models import Category, Need
from samtale.needs.services import MAX_TEXT


class RaiseForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of need"), choices=Category.choices)
    competence = forms.ChoiceField(
        label=_("Which kind of competence"),
        help_text=_("For a need for competence: the unit's competence plan counts it."),
        required=False,
        choices=[("", _("Not stated"))] + CompetenceKind.choices,
    )
    text = forms.CharField(
        label=_("The need"),
        max_length=MAX_TEXT,
        help_text=_(
            "What should change, for whom in general: no names, no health or private matters."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    unit = forms.TypedChoiceField(label=_("For the unit"), coerce=int)
    cost = forms.IntegerField(
        label=_("Estimated cost in kroner (if any)"),
        required=False,
        min_value=0,
        max_value=MAX_COST,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(unit.pk, unit.name) for unit in units]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Need.Status.choices)
    comment = forms.CharField(
        label=_("Comment (shown in the history)"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label=_("Merge into"), coerce=int)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["into"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (need.pk, f"{need.text[:80]} ({need.get_status_display()})") for need in candidates
        ]


class FilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000)
    unit = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + Category.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + Need.Status.choices
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All"))] + [(u.pk, u.name) for u in units]

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = timezone.localdate().year + 1
        if year is not None and year > last:
            raise forms.ValidationError(_("Choose a year up to %(last)s.") % {"last": last})
        return year
