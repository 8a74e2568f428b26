from django import forms
from django.utils.translation import gettext_lazy as _

from samtale.core.pickers import PickerField
from samtale.org import national_id
from samtale.org.fields import PERSON_FIELDS, PERSON_FIELDS_PROVIDERS, PERSON_FORM_FIELDS
from samtale.org.models import ImportBatch, Person, Unit


class DateInput(forms.DateInput):
    """A date written as Norwegians write it (22.11.2026), whatever the browser's own locale.

    Browsers show <input type=date> in the operating system's format (often mm/dd/yyyy),
    so a text field with the expected format as a hint is clearer.
    """

    def __init__(self, **kwargs):
        attrs = {
            "inputmode": "numeric",
            "placeholder": _("dd.mm.yyyy"),
            "autocomplete": "off",
            "size": 10,
        }
        super().__init__(format="%d.%m.%Y", attrs=attrs | kwargs.pop("attrs", {}), **kwargs)


class UnechoedInput(forms.TextInput):
    """A text field that never writes a value into the page: not the stored national identity
    number, nor one typed into a form that comes back with an error. PasswordInput with
    render_value=False does the same, but hides what the administrator types."""

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class PersonForm(forms.ModelForm):
    """A person, their unit and line manager chosen by searching (core.pickers): the form
    lists nobody, however large the organization.

    The national identity number is never sent back to the browser: a stored one is shown
    masked (national_id.masked) above an empty field, which keeps it when left empty,
    replaces it when a new one is typed, and `national_id_remove` removes it."""

    manager = PickerField(
        label=_("Line manager"),
        source="manager",
        required=False,
        help_text=_("Search by name, or write the e-mail address or employee number."),
    )
    unit = PickerField(label=_("Unit"), source="units", required=False)
    union_unit = PickerField(
        label=_("Union representative for"),
        source="units",
        required=False,
        help_text=_("The unit and those below it. Empty: the whole organization."),
    )
    national_id_remove = forms.BooleanField(
        label=_("Remove the national identity number"),
        required=False,
        help_text=_("Without it, signed follow-up forms cannot be filed in the personnel file."),
    )

    class Meta:
        model = Person
        fields = PERSON_FORM_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "national_id": UnechoedInput(),
        }
        help_texts = {
            "is_hr": _("Sees people, completion and aggregates; never conversation content."),
            "is_org_admin": _("Manages units, people, roles and templates."),
            "is_archivist": _(
                "Archive staff: receives the signed follow-up forms for the personnel file; "
                "never notes or drafts."
            ),
            "is_union_rep": _(
                "Tillitsvalgt: reads and comments on the competence plans and the published "
                "figures of the unit below (or of the whole organization); never a conversation."
            ),
            "is_active": _("Inactive people cannot sign in. Nobody is ever deleted."),
        }

    # The fields in their order (org.fields), the national identity number's removal beside it.
    field_order = [n for n in PERSON_FIELDS if n not in PERSON_FIELDS_PROVIDERS]
    field_order.insert(field_order.index("national_id") + 1, "national_id_remove")

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].bind(actor)
        self.fields["unit"].bind(actor)
        self.fields["union_unit"].bind(actor)
        if self.instance.pk:
            self.initial["manager"] = self.instance.manager_id
        if self.instance.pk == actor.pk:
            # Nobody changes their own roles (org.services): the boxes say so before a post.
            for name in ("is_hr", "is_org_admin", "is_archivist", "is_union_rep", "is_active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Another administrator changes this for you.")
        for name in ("first_name", "last_name", "email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        # Never in the page, whatever renders the form (UnechoedInput).
        self.initial.pop("national_id", None)
        self.stored_national_id = self.instance.national_id if self.instance.pk else None
        if national_id.wanted():
            field = self.fields["national_id"]
            field.help_text = self._national_id_help()
            # Typed with spaces as often as not: the 11 digits are checked once they are out.
            field.max_length, field.validators = 14, []
            field.widget.attrs.update(
                autocomplete="off", inputmode="numeric", maxlength="14", spellcheck="false"
            )
            if not self.stored_national_id:
                del self.fields["national_id_remove"]
        else:
            # Stored only when the archive classifies personnel files by it.
            del self.fields["national_id"], self.fields["national_id_remove"]

    def _national_id_help(self, *, typed_again: bool = False) -> str:
        parts: list[object] = [
            _(
                "11 digits. The archive finds the personnel file by it; it is shown nowhere "
                "else in Samtale."
            )
        ]
        if self.stored_national_id:
            parts.append(
                _(
                    "Stored: %(number)s. Leave empty to keep the number; "
                    "type a new one to replace it."
                )
                % {"number": national_id.masked(self.stored_national_id)}
            )
        if typed_again:
            parts.append(_("The number you typed is not shown again: type it once more."))
        return " ".join(str(part) for part in parts)

    def add_error(self, field, error):
        # A form that comes back with an error (here or from the service) has an empty
        # national identity number field: if one was typed, the help text asks for it again.
        super().add_error(field, error)
        if (
            "national_id" in self.fields
            and self.data.get(self.add_prefix("national_id"), "").strip()
        ):
            # The bound field copied the help text when the form was cleaned: set it there.
            self["national_id"].help_text = self._national_id_help(typed_again=True)

    def clean_national_id(self):
        value = national_id.normalize(self.cleaned_data.get("national_id", ""))
        if value and not national_id.is_valid(value):
            raise forms.ValidationError(
                _("This is not a valid national identity number: check the 11 digits.")
            )
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("national_id_remove") and cleaned.get("national_id"):
            self.add_error(
                "national_id_remove",
                _("Type a new national identity number or remove it, not both."),
            )
        return cleaned

    def _post_clean(self):
        # Uniqueness and the organization's rules are the service's to check.
        pass

    def choices_settled(self) -> None:
        """Shown again after a valid post (the two-step save of a new line manager), each
        picker carries what it found, so that the form sent again keeps the choice: without
        JavaScript the id sent was the earlier one, beside the text that found the new."""
        data = self.data.copy()  # type: ignore[attr-defined]  # a bound form's QueryDict (or dict): the stubs type it as a Mapping
        for name in ("manager", "unit", "union_unit"):
            chosen = self.cleaned_data.get(name)
            data[name] = str(chosen.pk) if chosen is not None else ""
            data.pop(f"{name}_valg", None)
        self.data = data

    def values(self) -> dict:
        """The fields for org.services: a national identity number left empty is not among
        them (the stored one is kept); removed, it is None."""
        data = dict(self.cleaned_data)
        data["employee_number"] = data.get("employee_number") or None
        if data.pop("national_id_remove", False):
            data["national_id"] = None
        elif not data.get("national_id"):
            data.pop("national_id", None)
        return data


class UnitForm(forms.ModelForm):
    parent = PickerField(label=_("Parent unit"), source="units", required=False)

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "is_active"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].bind(actor)

    def _post_clean(self):
        pass


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, e-mail, employee number or title")}
        ),
    )
    unit = PickerField(label=_("Unit"), source="units", required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )
    error_summary = False  # a filter: its one possible error shows beside the unit

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].bind(user)


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or code")}),
    )
    error_summary = False  # a filter


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportBatch.Kind.PEOPLE,
    )
    mode = forms.ChoiceField(
        label=_("What the file is"),
        choices=[
            (
                ImportBatch.Mode.UPDATE,
                _("Add and update only: nobody is deactivated"),
            ),
            (
                ImportBatch.Mode.FULL,
                _("The full list: those not in the file are deactivated"),
            ),
        ],
        widget=forms.RadioSelect,
        initial=ImportBatch.Mode.UPDATE,
        required=False,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (semicolon or comma separated) or Excel (.xlsx), first row with column names."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
