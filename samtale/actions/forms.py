from django import forms
from django.utils.translation import gettext_lazy

from samtale.actions import selectors
from samtale.actions.models import Action, Goal


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("open", gettext_lazy("Open (in progress or not started)")),
            ("overdue", gettext_lazy("Overdue")),
            (Action.Status.IN_PROGRESS, Action.Status.IN_PROGRESS.label),
            (Action.Status.NOT_STARTED, Action.Status.NOT_STARTED.label),
        ],
    )
    responsible = forms.ChoiceField(
        label=gettext_lazy("Responsible"),
        required=False,
        choices=[("", gettext_lazy("All"))] + Action.Responsible.choices,
    )
    deadline = forms.ChoiceField(
        label=gettext_lazy("Deadline"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            ("overdue", gettext_lazy("Passed")),
            ("30", gettext_lazy("Within 30 days")),
            ("90", gettext_lazy("Within 90 days")),
            ("none", gettext_lazy("No deadline")),
        ],
    )

    def selects(self) -> list[tuple]:
        """(name, label, [(value, label, selected)]) for a plain, fast rendering of the filters."""
        chosen = self.filters()
        return [
            (
                name,
                self.fields[name].label,
                [(v, label, v == getattr(chosen, name)) for v, label in self.fields[name].choices],
            )
            for name in ("status", "responsible", "deadline")
        ]

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.Filters(
            status=data.get("status") or "open",
            responsible=data.get("responsible") or "",
            deadline=data.get("deadline") or "",
        )


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Action.Status.choices)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("Result"), choices=Goal.Result.choices, widget=forms.RadioSelect
    )
    learned = forms.CharField(
        label=gettext_lazy("What did we learn?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
