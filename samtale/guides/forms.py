"""The template editor: the template's facts, and its themes as a formset.

The forms only turn what was typed into plain values (a question per line, a
statement per line with an optional "Group: " prefix); the rules are the
services' to check.
"""

import math
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from samtale.guides.models import GuideVersion, localized
from samtale.guides.services import MAX_MINUTES, MIN_MINUTES

MAX_THEMES = 30
# A "Group:" prefix longer than this is taken as part of the statement, not a group.
MAX_GROUP_LENGTH = 40


class GuideForm(forms.Form):
    error_summary = False  # the page shows one summary for the template and its themes

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        help_text=_("Shown above the themes: what the conversation is for and how it is used."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of conversation"),
        choices=GuideVersion.Kind.choices,
        widget=forms.RadioSelect,
    )
    summary_author = forms.ChoiceField(
        label=_("Who writes the summary"),
        choices=GuideVersion.SummaryAuthor.choices,
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        help_text=_(
            "Between 10 and 240. An annual conversation takes 60–120, a check-in under 30."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"}),
    )


def _split_statement(line: str) -> dict:
    group, colon, text = line.partition(":")
    group, text = group.strip(), text.strip()
    if colon and group and text and len(group) <= MAX_GROUP_LENGTH:
        return {"group": group, "text": text}
    return {"group": "", "text": line.strip()}


class ThemeForm(forms.Form):
    key = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    # Required, yet an added theme left empty is no error: the formset lets extra forms
    # that nobody typed in stay empty.
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give every theme a title.")},
    )
    help = forms.CharField(
        label=_("Guidance"),
        required=False,
        max_length=2000,
        help_text=_("A short explanation shown under the title."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    prompts = forms.CharField(
        label=_("Questions"),
        required=False,
        max_length=10000,
        help_text=_("One question per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    statements = forms.CharField(
        label=_("Statements rated 1–5"),
        required=False,
        max_length=10000,
        help_text=_(
            "One statement per line, answered from 1 (strongly disagree) to 5 (strongly "
            "agree). To put statements in groups, begin the line with the group and a colon: "
            "“Teamarbeid: Kollegene mine gjør arbeidet mitt enklere”."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    goals = forms.BooleanField(
        label=_("Goals and actions are agreed in this theme"),
        required=False,
        help_text=_("The table Goal · Action · Deadline · Responsible. At most one theme."),
    )
    leader_only = forms.BooleanField(
        label=_("Only the leader writes in this theme"),
        required=False,
        help_text=_("For example the workplace's priority goals."),
    )
    about_leader = forms.BooleanField(
        label=_("The statements are about the leader"),
        required=False,
        help_text=_(
            "Upward feedback: the employee answers privately; the leader never sees an answer, "
            "only the round's average for their team when enough have answered."
        ),
    )

    TEXT_FIELDS = ("title", "help", "prompts", "statements")

    def is_blank(self) -> bool:
        """Nothing typed: an added theme that was not used is left out."""
        data = self.cleaned_data
        return not any((data.get(name) or "").strip() for name in self.TEXT_FIELDS) and not (
            data.get("goals") or data.get("leader_only") or data.get("about_leader")
        )

    def theme(self) -> dict:
        """The theme as plain values for the services."""
        data = self.cleaned_data
        return {
            "key": data.get("key") or "",
            "title": data.get("title", "").strip(),
            "help": data.get("help", "").strip(),
            "prompts": [line.strip() for line in data["prompts"].splitlines() if line.strip()],
            "statements": [
                _split_statement(line) for line in data["statements"].splitlines() if line.strip()
            ],
            "goals": data.get("goals", False),
            "leader_only": data.get("leader_only", False),
            "about_leader": data.get("about_leader", False),
        }


class BaseThemeFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].widget.attrs.update({"inputmode": "numeric", "class": "short"})
        form.fields["DELETE"].label = _("Remove this theme")

    def theme_forms(self) -> list[ThemeForm]:
        """The themes to save, in the chosen order, without the deleted and the blank ones."""
        return [form for form in self.ordered_forms if not form.is_blank()]


def theme_formset(data=None, *, initial=None, extra: int = 0):
    formset_class = formset_factory(
        ThemeForm,
        formset=BaseThemeFormSet,
        extra=extra,
        can_order=True,
        can_delete=True,
        max_num=MAX_THEMES,
        validate_max=True,
        absolute_max=MAX_THEMES * 2,
    )
    return formset_class(data, initial=initial, prefix="themes")


def guide_initial(version: GuideVersion | None) -> dict:
    """The form's values for a version, in the reader's language."""
    if version is None:
        return {
            "kind": GuideVersion.Kind.ANNUAL,
            "summary_author": GuideVersion.SummaryAuthor.EMPLOYEE,
            "duration_minutes": 90,
        }
    return {
        "name": localized(version.name),
        "description": localized(version.description),
        "kind": version.kind,
        "summary_author": version.summary_author,
        "duration_minutes": version.duration_minutes,
    }


def _statement_line(statement: dict) -> str:
    group = localized(statement.get("group"))
    text = localized(statement["text"])
    return f"{group}: {text}" if group else text


def themes_initial(version: GuideVersion | None) -> list[dict]:
    if version is None:
        return []
    return [
        {
            "key": theme["key"],
            "title": localized(theme["title"]),
            "help": localized(theme.get("help")),
            "prompts": "\n".join(localized(p) for p in theme.get("prompts", [])),
            "statements": "\n".join(_statement_line(s) for s in theme.get("statements", [])),
            "goals": theme.get("goals", False),
            "leader_only": theme.get("leader_only", False),
            "about_leader": theme.get("about_leader", False),
        }
        for theme in version.themes
    ]


def with_another_theme(form: GuideForm, formset) -> tuple[GuideForm, object]:
    """The same page again, unsaved and without error messages, plus one empty theme.

    The themes come back in the order typed in their Order fields, so "add a theme"
    also shows the new order before anything is saved.
    """
    values = {name: form[name].value() for name in form.fields}
    themes: list[tuple[float, int, dict[str, Any]]] = []
    for index, theme_form in enumerate(formset.forms):
        theme = {name: theme_form[name].value() for name in theme_form.fields}
        typed = any((theme.get(name) or "").strip() for name in ThemeForm.TEXT_FIELDS) or (
            theme.get("goals") or theme.get("leader_only")
        )
        if not typed and not theme.get("DELETE"):
            continue
        order: float
        try:
            order = int(theme.pop("ORDER", None))
        except (TypeError, ValueError):
            order = math.inf
        themes.append((order, index, theme))
    in_order = [theme for _order, _index, theme in sorted(themes, key=lambda t: t[:2])]
    return GuideForm(initial=values), theme_formset(initial=in_order, extra=1)
