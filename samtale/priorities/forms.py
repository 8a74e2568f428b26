from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.priorities.models import Priority

ORGANIZATION = "org"


class ChooseForm(forms.Form):
    """Which unit's goals (or plan), for which year (a GET form)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    enhet = forms.ChoiceField(label=_("Unit"))

    def __init__(
        self, *args, years, units, organization: bool, organization_label=None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(year, str(year)) for year in years]
        label = organization_label or _("The organization's own goals")
        choices = [(ORGANIZATION, label)] if organization else []
        field = self.fields["enhet"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices + [(str(unit.pk), unit.name) for unit in units]


class PriorityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Priority.Kind.choices,
        initial=Priority.Kind.GOAL,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("The goal or focus area"), max_length=200)
    description = forms.CharField(
        label=_("What it means for us"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.TypedChoiceField(
        label=_("Serves the organization's goal"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args, parents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parents = {parent.pk: parent for parent in parents}
        if self.parents:
            field = self.fields["parent"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("None"))] + [(parent.pk, parent.title) for parent in parents]
        else:
            del self.fields["parent"]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": data["title"],
            "description": data["description"],
            "parent": self.parents.get(data.get("parent")),
        }
