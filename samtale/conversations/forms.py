from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.conversations.models import MAX_COST, CompetenceKind, Responsible, SummaryRevision
from samtale.conversations.proposal_forms import LOCAL
from samtale.core.forms import DateField, PlaceField, TimeField
from samtale.core.pickers import PickerField
from samtale.guides.likert import SCALE
from samtale.guides.models import Guide, localized
from samtale.guides.selectors import current_version
from samtale.org.forms import DateInput


class TimeInput(forms.TimeInput):
    def __init__(self, **kwargs):
        attrs = {
            "inputmode": "numeric",
            "placeholder": _("hh:mm"),
            "autocomplete": "off",
            "size": 5,
        }
        super().__init__(format="%H:%M", attrs=attrs, **kwargs)


class GuideChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Guide) -> str:
        # The current version's name in the reader's language; from `guide.current` when
        # the queryset brings it (guides_for_planning), not a query per template.
        current = current_version(obj)
        return localized(current.name) if current else str(obj)


class ScheduleFields(forms.Form):
    """Date, time, length and place: shared by planning and moving a conversation."""

    date = DateField(label=_("Date"), required=False, widget=DateInput())
    time = TimeField(label=_("Time"), required=False, widget=TimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=10,
        max_value=240,
        help_text=_("The guide: set aside 1.5–2 hours for an annual conversation."),
    )
    place = PlaceField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("A room where you can talk undisturbed, or a video link."),
    )

    def clean(self):
        data = super().clean()
        day, time = data.get("date"), data.get("time")
        # The message goes to the field that is missing, unless that field is already wrong.
        if day and not time and "time" not in self.errors:
            self.add_error("time", _("Give a time as well, or leave the date empty."))
        elif time and not day and "date" not in self.errors:
            self.add_error("date", _("Give a date as well, or leave the time empty."))
        data["scheduled_at"] = (
            timezone.make_aware(datetime.combine(day, time)) if day and time else None
        )
        return data

    def confirmed(self) -> bool:
        """The user chose “… anyway” for the very day the warning was about: a confirmation
        never carries over to another day chosen afterwards."""
        at = self.cleaned_data.get("scheduled_at")
        return at is not None and self.data.get("confirm") == timezone.localdate(at).isoformat()


class PlanForm(ScheduleFields):
    employee = PickerField(label=_("Employee"), source="plan-employee")
    leader = PickerField(
        label=_("Held by"),
        source="plan-leader",
        help_text=_("Usually the line manager; another leader of the unit may hold it."),
    )
    guide = GuideChoiceField(label=_("Template"), queryset=Guide.objects.none())

    field_order = ["employee", "leader", "guide", "date", "time", "duration_minutes", "place"]

    def __init__(self, *args, user, guides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].bind(user)
        self.fields["leader"].bind(user)
        self.fields["guide"].queryset = guides
        self.fields["duration_minutes"].required = False


def _chosen_into_fields(data):
    """A free time chosen with one click on the time page (its button posts `suggested`,
    local, to the minute) goes into the date and time fields, so the rules, the warnings
    and the “… anyway” after it are those of a time typed in, and the page shows it."""
    try:
        chosen = datetime.strptime(data.get("suggested", ""), LOCAL)
    except (AttributeError, ValueError):
        return data
    data = data.copy()
    data["date"], data["time"] = chosen.date(), chosen.time()
    return data


def schedule_initial(conversation, *, start=None, minutes=None) -> dict:
    """The time page's form as it opens: the conversation's time, length and place, or the
    time and length a party proposed in their place. A new field of the time page gets its
    initial value here, once, for both ways the page opens."""
    start = start or conversation.scheduled_at
    initial = {
        "duration_minutes": minutes or conversation.duration_minutes,
        "place": conversation.place,
    }
    if start:
        local = timezone.localtime(start)
        initial |= {"date": local.date(), "time": local.time()}
    return initial


class ScheduleForm(ScheduleFields):
    """Time and place of a planned conversation. Without a time yet, the date and time are
    optional (the length and place can be saved first); with one, it is moved, not emptied."""

    def __init__(self, data=None, *args, has_time: bool, **kwargs):
        super().__init__(_chosen_into_fields(data), *args, **kwargs)
        if has_time:
            for name, message in (("date", _("Choose a date.")), ("time", _("Choose a time."))):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both of you see the reason."),
    )


class WithdrawForm(forms.Form):
    """Withdraw a correction under way: why, required (on the summary page, prefixed)."""

    reason = forms.CharField(
        label=_("Why do you withdraw the correction?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both of you see the reason. The correction is kept, marked as withdrawn."),
    )


class TextForm(forms.Form):
    """A text saved by autosave, or by the button when JavaScript is off."""

    text = forms.CharField(required=False, strip=False, widget=forms.Textarea)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class LikertForm(forms.Form):
    statement = forms.CharField(max_length=80)
    value = forms.TypedChoiceField(
        choices=[("", "")] + [(v, v) for v, _label in SCALE],
        coerce=int,
        empty_value=None,
        required=False,
    )


class ChecklistForm(forms.Form):
    done = forms.TypedMultipleChoiceField(
        choices=[(i, i) for i in range(8)], coerce=int, required=False
    )


class ToggleForm(forms.Form):
    key = forms.CharField(max_length=80)
    done = forms.BooleanField(required=False)


class HoldForm(forms.Form):
    # Ticked by the leader when the meeting is held before the day it was planned for.
    confirmed = forms.BooleanField(required=False)


class TalkTimeForm(forms.Form):
    leader_seconds = forms.IntegerField(min_value=0)
    employee_seconds = forms.IntegerField(min_value=0)


class DraftForm(forms.Form):
    """The drafter's summary as one form: the text (autosaved with JavaScript, posted with
    the buttons without it), the conclusion and what may be shared. The buttons that save or
    send post all of it, so nothing chosen or typed is lost to another button's form. The
    conclusion is required to send, not to save (`sending=False`)."""

    conflict = None  # the text saved elsewhere, when the one posted was written on an older one
    text = forms.CharField(label=_("The summary"), required=False, strip=False)
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=SummaryRevision.Conclusion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a conclusion before you send the summary.")},
    )
    shared_outside = forms.CharField(
        label=_("What may be shared outside the two of you"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Leave it empty and nothing leaves the conversation. Write only what both of you "
            "agree may be told, for instance to HR."
        ),
    )

    def __init__(self, *args, sending: bool = True, **kwargs):
        # Ids of their own: the summary page has other forms with a text field.
        kwargs.setdefault("auto_id", "summary-%s")
        super().__init__(*args, **kwargs)
        self.sending = sending
        # What was valid is saved even when something else is refused.
        self.error_heading = (
            _("The summary is not sent. Correct this and send it again:")
            if sending
            else _("Not everything was saved. Correct this and try again:")
        )

    def full_clean(self):
        # Shown as required (it is, to send); saving without one keeps the rest.
        self.fields["conclusion"].required = self.sending
        try:
            super().full_clean()
        finally:
            self.fields["conclusion"].required = True


class ReviewForm(forms.Form):
    """The reviewer's comment, posted with the button that approves, sends it or sends the
    summary back (autosaved with JavaScript), so a comment typed is never lost to a click."""

    conflict = None
    error_heading = _("Nothing was sent. Correct this and try again:")
    text = forms.CharField(
        label=_("Comment on the summary (optional)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"id": "summary-comment"}),
    )
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class CompetenceField(forms.ChoiceField):
    """Whether an action is a competence need, and of which kind (optional)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Competence need"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("choices", [("", _("No"))] + CompetenceKind.choices)
        kwargs.setdefault(
            "help_text",
            _(
                "A course, training, further education or guidance: the unit's competence plan counts it."
            ),
        )
        super().__init__(**kwargs)


class CostField(forms.IntegerField):
    """A competence need's estimated cost in whole kroner (optional)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Estimated cost in kroner"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_COST)
        kwargs.setdefault(
            "widget", forms.NumberInput(attrs={"inputmode": "numeric", "class": "short"})
        )
        super().__init__(**kwargs)


class GoalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        # Ids of their own: the summary page has other forms with a text field.
        kwargs.setdefault("auto_id", "goal-%s")
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_text = forms.CharField(
        label=_("Action"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = DateField(label=_("Deadline"), required=False, widget=DateInput())
    responsible = forms.ChoiceField(
        label=_("Responsible"),
        choices=Responsible.choices,
        initial=Responsible.EMPLOYEE,
    )
    competence = CompetenceField()
    cost = CostField()


class ActionForm(forms.Form):
    action_text = forms.CharField(
        label=_("Action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = DateField(label=_("Deadline"), required=False, widget=DateInput())
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Responsible.choices)
    competence = CompetenceField()
    cost = CostField()


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the conversation for you?"),
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_(
            "1 = very poor, 5 = very good. Only HR sees the answers, and only for groups of five or more."
        ),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
