from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samtale.org.models import ImportBatch, Person, Unit
from samtale.org.selectors import unit_tree


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


class UnitChoiceField(forms.ModelChoiceField):
    """Active units as an indented tree, so a team is read under its department."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Unit.objects.filter(is_active=True), **kwargs)

    def refresh(self) -> None:
        rows = unit_tree(units=self.queryset, people=Person.objects.none())
        self.choices = [("", "—")] + [(r.unit.pk, "\u2003" * r.depth + r.unit.name) for r in rows]


class PersonForm(forms.ModelForm):
    manager_ref = forms.CharField(
        label=_("Line manager"),
        required=False,
        help_text=_("E-mail address or employee number of the line manager."),
        widget=forms.TextInput(attrs={"list": "leaders", "autocomplete": "off"}),
    )
    unit = UnitChoiceField(label=_("Unit"), required=False)

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "email",
            "employee_number",
            "job_title",
            "profession_group",
            "employment_type",
            "start_date",
            "end_date",
            "unit",
            "is_hr",
            "is_org_admin",
            "is_active",
            "language",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "is_hr": _("Sees people, completion and aggregates; never conversation content."),
            "is_org_admin": _("Manages units, people, roles and templates."),
            "is_active": _("Inactive people cannot sign in. Nobody is ever deleted."),
        }

    field_order = [
        "first_name",
        "last_name",
        "email",
        "employee_number",
        "job_title",
        "profession_group",
        "unit",
        "manager_ref",
        "employment_type",
        "start_date",
        "end_date",
        "language",
        "is_hr",
        "is_org_admin",
        "is_active",
    ]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].refresh()
        if actor is not None and self.instance.pk == actor.pk:
            # Nobody changes their own roles (org.services): the boxes say so before a post.
            for name in ("is_hr", "is_org_admin", "is_active"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Another administrator changes this for you.")
        if self.instance.pk and self.instance.manager_id:
            manager = self.instance.manager
            self.initial["manager_ref"] = manager.employee_number or manager.email
        for name in ("first_name", "last_name", "email"):
            self.fields[name].widget.attrs["autocomplete"] = "off"

    def clean_manager_ref(self):
        ref = self.cleaned_data["manager_ref"].strip()
        if not ref:
            return None
        manager = (
            Person.objects.filter(Q(email__iexact=ref) | Q(employee_number=ref), is_active=True)
            .order_by("pk")
            .first()
        )
        if manager is None:
            raise forms.ValidationError(
                _("No active person has this e-mail address or employee number.")
            )
        return manager

    def _post_clean(self):
        # Uniqueness and the organization's rules are the service's to check.
        pass

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["manager"] = data.pop("manager_ref")
        data["employee_number"] = data.get("employee_number") or None
        return data


class UnitForm(forms.ModelForm):
    parent = UnitChoiceField(label=_("Parent unit"), required=False)

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].refresh()

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
    unit = UnitChoiceField(label=_("Unit"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("inactive", _("Inactive")), ("all", _("All"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].refresh()


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=ImportBatch.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportBatch.Kind.PEOPLE,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (semicolon or comma separated) or Excel (.xlsx), first row with column names."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
