from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.competence.models import PlanLine
from samtale.competence.services import MAX_TEXT


class LineForm(forms.Form):
    """The priority and status of one kind of competence need (prefixed by the kind)."""

    error_summary = False
    priority = forms.ChoiceField(label=_("Priority"), choices=PlanLine.Priority.choices)
    status = forms.ChoiceField(label=_("Status"), choices=PlanLine.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(forms.Form):
    prefix = "comment"
    error_summary = False
    text = forms.CharField(
        label=_("Comment on the plan"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment.")},
    )
