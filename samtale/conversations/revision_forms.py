"""Forms for a correction's goals and actions and for comparing two revisions."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import Responsible
from samtale.conversations.services.correction import TEXT_MAX_LENGTH, draft_version
from samtale.core.forms import DateField
from samtale.org.forms import DateInput


def _text(label, rows: int = 2) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CorrectionGoalsForm(forms.Form):
    """A correction's goals and actions in one plain form: every goal and action as drafted
    (change its text, deadline or responsible, or remove it), a new action under each goal,
    and a new goal with its first action. Field names hold positions in the draft; the ids
    of the live rows stay in the stored draft, and `base` says which draft the form shows."""

    base = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, draft: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        for i, goal in enumerate(draft):
            self.fields[f"g{i}-text"] = _text(_("Goal"))
            self.fields[f"g{i}-remove"] = forms.BooleanField(
                label=_("Remove the goal and its actions"), required=False
            )
            self.initial[f"g{i}-text"] = goal["goal"]
            self.initial[f"g{i}-remove"] = goal.get("removed", False)
            for j, action in enumerate(goal["actions"]):
                self._action_fields(f"g{i}-a{j}", action)
            self._action_fields(f"g{i}-new", None)
        self.fields["new-text"] = _text(_("Goal"))
        self._action_fields("new-a", None)
        self.initial["base"] = draft_version(draft)

    def _action_fields(self, prefix: str, action: dict | None) -> None:
        self.fields[f"{prefix}-text"] = _text(_("Action"))
        self.fields[f"{prefix}-deadline"] = DateField(
            label=_("Deadline"), required=False, widget=DateInput()
        )
        self.fields[f"{prefix}-responsible"] = forms.ChoiceField(
            label=_("Responsible"), choices=Responsible.choices
        )
        if action is None:
            self.initial[f"{prefix}-responsible"] = Responsible.EMPLOYEE
            return
        self.fields[f"{prefix}-remove"] = forms.BooleanField(
            label=_("Remove the action"), required=False
        )
        self.initial.update(
            {
                f"{prefix}-text": action["text"],
                f"{prefix}-deadline": date.fromisoformat(action["deadline"])
                if action["deadline"]
                else None,
                f"{prefix}-responsible": action["responsible"],
                f"{prefix}-remove": action.get("removed", False),
            }
        )

    def clean(self):
        data = super().clean()
        for i, goal in enumerate(self.draft):
            goal_removed = data.get(f"g{i}-remove")
            if not goal_removed and not data.get(f"g{i}-text", "").strip():
                self.add_error(f"g{i}-text", _("Write the goal, or remove it."))
            for j in range(len(goal["actions"])):
                prefix = f"g{i}-a{j}"
                removed = goal_removed or data.get(f"{prefix}-remove")
                if not removed and not data.get(f"{prefix}-text", "").strip():
                    self.add_error(f"{prefix}-text", _("Write the action, or remove it."))
        new_action = data.get("new-a-text", "").strip()
        if new_action and not data.get("new-text", "").strip():
            self.add_error("new-text", _("Write the goal the new action belongs to."))
        return data

    def _action(self, prefix: str) -> dict:
        data = self.cleaned_data
        return {
            "text": data[f"{prefix}-text"],
            "deadline": data[f"{prefix}-deadline"],
            "responsible": data[f"{prefix}-responsible"],
            "removed": data.get(f"{prefix}-remove", False),
        }

    def proposed(self) -> list[dict]:
        """The draft as written, for services.summary.correction_goals_set."""
        data = self.cleaned_data
        goals = []
        for i, goal in enumerate(self.draft):
            actions = [self._action(f"g{i}-a{j}") for j in range(len(goal["actions"]))]
            goals.append(
                {
                    "goal": data[f"g{i}-text"],
                    "removed": data[f"g{i}-remove"],
                    "actions": [*actions, self._action(f"g{i}-new")],
                }
            )
        goals.append(
            {"goal": data["new-text"], "removed": False, "actions": [self._action("new-a")]}
        )
        return goals

    def _bound(self, prefix: str, number: int | None = None) -> dict:
        names = ("text", "deadline", "responsible", "remove")
        fields = {n: self[f"{prefix}-{n}"] for n in names if f"{prefix}-{n}" in self.fields}
        return {"number": number, **fields}

    def rows(self) -> list[dict]:
        """The bound fields, goal by goal, for the template."""
        return [
            {
                "number": i + 1,
                "text": self[f"g{i}-text"],
                "remove": self[f"g{i}-remove"],
                "removed": goal.get("removed", False),
                "actions": [
                    {**self._bound(f"g{i}-a{j}", j + 1), "removed": a.get("removed", False)}
                    for j, a in enumerate(goal["actions"])
                ],
                "new": self._bound(f"g{i}-new"),
            }
            for i, goal in enumerate(self.draft)
        ]

    def new_goal(self) -> dict:
        return {"text": self["new-text"], "action": self._bound("new-a")}


class RevisionCompareForm(forms.Form):
    """Two revisions to compare, by number: ?fra=1&til=2."""

    fra = forms.TypedChoiceField(label=_("From revision"), coerce=int)
    til = forms.TypedChoiceField(label=_("To revision"), coerce=int)

    def __init__(self, *args, numbers: list[int], withdrawn=frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (n, _("%(n)d (withdrawn)") % {"n": n} if n in withdrawn else str(n)) for n in numbers
        ]
        for name in ("fra", "til"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices
        if len(numbers) >= 2:
            self.initial = {"fra": numbers[-2], "til": numbers[-1]}

    def clean(self):
        data = super().clean()
        if data.get("fra") is not None and data.get("fra") == data.get("til"):
            raise forms.ValidationError(_("Choose two different revisions."))
        return data
