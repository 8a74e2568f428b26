from functools import cache
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy

from samtale.actions import selectors
from samtale.actions.models import Action, Goal
from samtale.conversations.forms import CompetenceField, CostField
from samtale.core.forms import DateField
from samtale.org.forms import DateInput


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[
            ("open", gettext_lazy("Open (overdue, in progress or not started)")),
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

    @classmethod
    def selects(cls, chosen: selectors.Filters) -> list[tuple]:
        """(name, label, [(value, label, selected)]) for a plain, fast rendering of the filters."""
        return [
            (
                name,
                cls.base_fields[name].label,
                [
                    (v, label, v == getattr(chosen, name))
                    for v, label in _choices(cls.base_fields[name])
                ],
            )
            for name in ("status", "responsible", "deadline")
        ]

    @classmethod
    def chosen(cls, data) -> selectors.Filters:
        """The filters a query string asks for. Each value is checked against its field's
        choices (an unknown one means the default) without building a form: the overview
        reads them on every load."""
        allowed = _allowed_values()
        value = {
            name: data.get(name, "") if data.get(name, "") in allowed[name] else ""
            for name in allowed
        }
        return selectors.Filters(
            status=value["status"] or "open",
            responsible=value["responsible"],
            deadline=value["deadline"],
        )


def _choices(field: forms.Field) -> Any:
    assert isinstance(field, forms.ChoiceField)  # a filter's fields are all choices
    return field.choices


@cache
def _allowed_values() -> dict[str, frozenset[str]]:
    return {
        name: frozenset(str(v) for v, _label in _choices(FilterForm.base_fields[name]))
        for name in ("status", "responsible", "deadline")
    }


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Action.Status.choices)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        help_text=gettext_lazy("Required when you drop the action: say why."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeadlineForm(forms.Form):
    """A new deadline for an action, and why (actions.services.action_deadline_move)."""

    prefix = "deadline"
    error_summary = False
    deadline = DateField(
        label=gettext_lazy("New deadline"),
        widget=DateInput(),
        error_messages={"required": gettext_lazy("Choose the new deadline.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Why is the deadline moved?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Write why the deadline is moved.")},
    )


class DropForm(forms.Form):
    """Setting an action aside, and why (actions.services.action_drop)."""

    prefix = "drop"
    error_summary = False
    reason = forms.CharField(
        label=gettext_lazy("Why is the action dropped?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Write why the action is dropped.")},
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


class HandoverForm(forms.Form):
    """The employee's answer about their follow-up after a change of line manager."""

    # Not chosen beforehand: it is the employee's decision, not a default to confirm.
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what happens to your open actions.")},
    )
    share_summary = forms.BooleanField(required=False)

    def __init__(self, *args, change, summary_conversation=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        new = change.new_manager.full_name
        old = change.old_manager.full_name if change.old_manager else ""
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.label = gettext_lazy("Your open actions")
        decision.choices = [
            ("pass", gettext("Pass them to %(new)s, who follows them up with me") % {"new": new}),
            (
                "keep",
                gettext("Keep them with %(old)s") % {"old": old}
                if old
                else gettext("Keep them as they are"),
            ),
        ]
        if summary_conversation is None:
            del self.fields["share_summary"]
        else:
            self.fields["share_summary"].label = gettext(
                "Also let %(new)s read the signed summary of my conversation on %(day)s"
            ) % {
                "new": new,
                "day": formats.date_format(
                    summary_conversation.held_or_planned_at,
                    "SHORT_DATE_FORMAT",
                ),
            }
            self.fields["share_summary"].help_text = gettext_lazy(
                "Only the summary, its conclusion and the goals agreed: never your notes."
            )


class GoalServesForm(forms.Form):
    """Which of the workplace's goals an agreed goal serves (empty: none)."""

    serves = forms.IntegerField(
        label=gettext_lazy("Serves the unit's goal"), required=False, min_value=1
    )


class CompetenceForm(forms.Form):
    """Whether an action is a competence need, of which kind, and its estimated cost."""

    prefix = "competence"
    error_summary = False
    competence = CompetenceField()
    cost = CostField()
