from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samtale.conversations.forms import GuideChoiceField, TimeInput
from samtale.core.forms import DateField, PlaceField, TimeField
from samtale.core.pickers import PickerField
from samtale.org.forms import DateInput
from samtale.org.models import Unit
from samtale.org.selectors import unit_tree
from samtale.rounds.models import Round
from samtale.rounds.services import LIMITS

SETTINGS = list(LIMITS)

HELP = {
    "duration_minutes": _("The guide: set aside 1.5–2 hours for an annual conversation."),
    "buffer_minutes": _("Free time for the leader between two conversations."),
    "max_per_day": _("The guide: ideally one, at most two a day."),
    "lead_days": _("The invitation goes out this many days before the conversation."),
    "min_days_ahead": _("The assistant proposes times from this many days ahead …"),
    "max_days_ahead": _("… until this many days ahead (the guide: invite 1–2 weeks ahead)."),
    "reminder_days": _("Both get a reminder to prepare this many days before."),
}


def _round_field(name: str) -> Field[Any, Any]:
    field = Round._meta.get_field(name)
    assert isinstance(field, Field)  # a setting is a column of the round's own
    return field


def _number(key: str, initial: int) -> forms.IntegerField:
    low, high = LIMITS[key]
    return forms.IntegerField(
        label=str(_round_field(key).verbose_name).capitalize(),
        min_value=low,
        max_value=high,
        initial=initial,
        help_text=HELP[key],
        widget=forms.NumberInput(attrs={"class": "short"}),
    )


class UnitTreeWidget(forms.CheckboxSelectMultiple):
    """The units' checkboxes as nested lists: a team is a list item inside its department's
    list, so a screen reader says the level, not just the indentation shows it."""

    template_name = "rounds/widgets/unit_tree.html"
    depths: dict[str, int] = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = [
            o for _group, group_options, _i in context["widget"]["optgroups"] for o in group_options
        ]
        # Flat rows of plain strings: the template reads each unit's few values by key, not
        # through Django's option dicts and filters (300 units at 50,000 people).
        tree = []
        previous = None
        for option in options:
            value = str(option["value"])
            depth = self.depths.get(value, 0)
            closes = 0 if previous is None else max(previous - depth, 0)
            tree.append(
                {
                    "value": value,
                    # The checkbox's HTML id, already text ("id_units_3"): printed as it is.
                    "element": str(option["attrs"].get("id", "")),
                    "label": option["label"],
                    "selected": option["selected"],
                    "open_level": previous is not None and depth > previous,
                    "close_item": previous is not None and depth <= previous,
                    "close_levels": range(closes),
                }
            )
            previous = depth
        context["widget"]["tree"] = tree
        context["widget"]["close_at_end"] = range(previous or 0)
        return context


class UnitsField(forms.ModelMultipleChoiceField):
    """Units as checkboxes in tree order, each team under its department (UnitTreeWidget)."""

    widget = UnitTreeWidget

    def _check_values(self, value):
        # Only the units offered, checked before any query: a number too large for the
        # database ("9999…") is an invalid choice, not an error of the database's.
        offered = {str(pk) for pk, _label in self.choices}
        for each in value:
            if str(each) not in offered:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": each},
                )
        return super()._check_values(value)

    def refresh(self) -> None:
        assert self.queryset is not None  # given when the field is made
        rows = unit_tree(units=self.queryset)
        self.choices = [(r.unit.pk, r.unit.name) for r in rows]
        self.widget.depths = {str(r.unit.pk): r.depth for r in rows}


class RoundSettingsForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("For example “Medarbeidersamtaler 2027”."),
    )
    period_start = DateField(label=_("From"), widget=DateInput())
    # A deadline, named as one ("Frist"): every conversation in the round is held by then.
    period_end = DateField(
        label=_("Round deadline"),
        help_text=_("Every conversation in the round is held by this day."),
        widget=DateInput(),
    )
    duration_minutes = _number("duration_minutes", 90)
    buffer_minutes = _number("buffer_minutes", 15)
    max_per_day = _number("max_per_day", 2)
    lead_days = _number("lead_days", 14)
    min_days_ahead = _number("min_days_ahead", 7)
    max_days_ahead = _number("max_days_ahead", 14)
    reminder_days = _number("reminder_days", 3)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it begins."))
        return data

    def settings(self) -> dict:
        return {key: self.cleaned_data[key] for key in SETTINGS}

    def main_fields(self):
        return [self[name] for name in self.fields if name not in SETTINGS]

    def settings_fields(self):
        return [self[name] for name in SETTINGS]


class RoundForm(RoundSettingsForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Round.Kind.choices,
        initial=Round.Kind.ANNUAL,
        widget=forms.RadioSelect,
        help_text=_("Annual conversations, or a series of short check-ins."),
    )
    guide = GuideChoiceField(label=_("Template"), queryset=None)
    units = UnitsField(
        label=_("Units"),
        queryset=Unit.objects.none(),
        help_text=_(
            "Every active permanent employee of these units and the units below them takes "
            "part. You can add temporary employees and remove people afterwards."
        ),
    )

    field_order = ["name", "period_start", "period_end", "kind", "guide", "units"]

    def __init__(self, *args, guides, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].queryset = guides
        self.fields["units"].queryset = units
        self.fields["units"].refresh()


class ParticipantAddForm(forms.Form):
    person = PickerField(
        label=_("Add a person"),
        source="round-person",
        help_text=_(
            "People of the round's units who are not in it, temporary employees among them."
        ),
    )

    def __init__(self, *args, user, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].bind(user, runde=round)


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example leave, notice given, or a conversation held elsewhere."),
    )


class HolderForm(forms.Form):
    holder = PickerField(label=_("Held by"), source="round-holder")

    def __init__(self, *args, user, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].bind(user, runde=round)


class ShareForm(forms.Form):
    unit = PickerField(
        label=_("Department"),
        source="units",
        required=False,
        help_text=_("Everyone in it and in the units below it."),
    )
    profession_group = forms.ChoiceField(label=_("Profession group"), required=False)
    holder = PickerField(label=_("Held by"), source="round-holder")

    def __init__(self, *args, user, round, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(user)
        self.fields["profession_group"].choices = [("", "—")] + [(g, g) for g in groups]
        self.fields["holder"].bind(user, runde=round)

    def clean(self):
        data = super().clean()
        if not data.get("unit") and not data.get("profession_group") and not self.errors:
            raise forms.ValidationError(_("Choose a department or a profession group."))
        return data


def _aware(day, at):
    return timezone.make_aware(datetime.combine(day, at))


class WindowForm(forms.Form):
    date = DateField(label=_("Date"), widget=DateInput())
    start = TimeField(label=_("From"), widget=TimeInput())
    end = TimeField(label=_("To"), widget=TimeInput())
    place = PlaceField(
        label=_("Place"),
        max_length=200,
        help_text=_("A room where you can talk undisturbed, or a video link."),
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            data["starts_at"] = _aware(data["date"], data["start"])
            data["ends_at"] = _aware(data["date"], data["end"])
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", _("The window ends before it begins."))
        return data


class SlotForm(forms.Form):
    """One proposed conversation: the leader may move it, or leave it out."""

    participant = forms.IntegerField(widget=forms.HiddenInput)
    take = forms.BooleanField(label=_("Schedule"), required=False)
    date = DateField(label=_("Date"), required=False, widget=DateInput())
    time = TimeField(label=_("Time"), required=False, widget=TimeInput())
    place = PlaceField(label=_("Place"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("take"):
            if not data.get("date"):
                self.add_error("date", _("Choose a date."))
            if not data.get("time"):
                self.add_error("time", _("Choose a time."))
            if data.get("date") and data.get("time"):
                data["start"] = _aware(data["date"], data["time"])
        return data


SlotFormSet = forms.formset_factory(SlotForm, extra=0, max_num=500, validate_max=True)


class ParticipantFilterForm(forms.Form):
    STATES = [
        ("", _("Everyone")),
        ("missing", _("No conversation")),
        ("planned", _("Planned")),
        ("invited", _("Invited or prepared")),
        ("held", _("Held")),
        ("signed", _("Signed")),
        ("postponed", _("Postponed")),
        ("no_holder", _("Nobody holds it")),
        ("removed", _("Removed")),
    ]
    state = forms.ChoiceField(label=_("Status"), choices=STATES, required=False)
    holder = PickerField(label=_("Held by"), source="round-holder", required=False)
    error_summary = False  # a filter: its one possible error shows beside the leader

    def __init__(self, *args, user, round, may_manage, **kwargs):
        super().__init__(*args, **kwargs)
        if may_manage:
            self.fields["holder"].bind(user, runde=round)
        else:  # they see the conversations they hold, no one else's
            del self.fields["holder"]


class CoverageFilterForm(forms.Form):
    which = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Missing or close to it")),
            ("overdue", _("Missing a signed conversation")),
            ("close", _("Close to the limit")),
        ],
    )
    unit = PickerField(label=_("Unit"), source="units", required=False)
    error_summary = False  # a filter: its one possible error shows beside the unit

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(user)
