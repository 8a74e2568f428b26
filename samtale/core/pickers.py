"""Choosing a person or a unit without listing the organization: a field that searches on
the server.

With JavaScript the field is Designsystemet's suggestion combobox (`ds-suggestion`,
static/js/picker.js) that asks `/velg/<source>/?q=…` for at most MAX_MATCHES matches as the
person types, and keeps the chosen id in a hidden input. Without JavaScript it is a plain
search field: the form comes back with the matches as radio buttons to choose from (the
"results page"), and saves nothing until one is chosen.

Every source is a function of the access policy (samtale.core.access): the search, the
list of matches and the value a form accepts are the same queryset, so a form can never
accept an id its search would not show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samtale.core import access
from samtale.org.models import Person, Unit
from samtale.org.selectors import matching

MAX_MATCHES = 20
# The longest text searched for: names, addresses and numbers are shorter, and SQLite
# refuses a LIKE pattern beyond 50,000 bytes.
MAX_QUERY = 100


def person_label(person: Person) -> str:
    """How a person is named in a picker: name, then title and unit to tell namesakes apart."""
    details = ", ".join(d for d in (person.job_title, person.unit.name if person.unit else "") if d)
    return f"{person.full_name} – {details}" if details else person.full_name


def unit_label(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})" if unit.code else unit.name


def _search_people(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Every word must match a name, the e-mail address, the employee number or the unit."""
    return (
        matching(
            people,
            query,
            "first_name__icontains",
            "last_name__icontains",
            "email__istartswith",
            "employee_number__iexact",
            "unit__name__icontains",
        )
        .select_related("unit")
        .order_by("last_name", "first_name", "pk")
    )


def _exact_person(people: QuerySet[Person], query: str) -> Person | None:
    """The one person whose e-mail address or employee number is exactly what was typed."""
    text = query.strip()
    if not text:
        return None
    found = list(
        people.filter(Q(email__iexact=text) | Q(employee_number__iexact=text)).select_related(
            "unit"
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def _search_units(units: QuerySet[Unit], query: str) -> QuerySet[Unit]:
    return matching(units, query, "name__icontains", "code__istartswith").order_by("name", "pk")


def _exact_unit(units: QuerySet[Unit], query: str) -> Unit | None:
    found = list(units.filter(code__iexact=query.strip())[:2]) if query.strip() else []
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class Source:
    """What a picker may choose from, for whom: `may` is the policy's capability to search
    it at all (403 otherwise), `choices` the policy's queryset of what the user may pick."""

    may: Callable
    # (user, params) -> the queryset; params are the picker's own query parameters
    # (e.g. the round a person is added to), read from the URL as text.
    choices: Callable[..., QuerySet]
    search: Callable[[QuerySet, str], QuerySet]
    exact: Callable[[QuerySet, str], object]
    label: Callable[[object], str]
    placeholder: str


def _signed_in(user) -> bool:
    return access.roles_for(user).person_id is not None


def _managed_round(user, value):
    """The round of ?runde=: a form passes the round it has, the search its id. Either way
    only one the user manages."""
    from samtale.rounds.models import Round

    if isinstance(value, Round):
        access.require(access.may_manage_round(user, value))
        return value
    return access.get_round_for(user, value, write=True)


def _round_people(user, params) -> QuerySet[Person]:
    """People who may be added to a round the user manages: of its units, not in it yet."""
    from samtale.rounds.selectors import addable_people

    round = _managed_round(user, params.get("runde"))
    return addable_people(round=round, people=access.round_people_for(user))


def _round_holders(user, params) -> QuerySet[Person]:
    """Who may hold a conversation: with ?runde=<id>, of a round the user manages, only the
    leaders of its units and those who hold in it already."""
    from samtale.rounds.selectors import round_holders

    holders = access.holders_for(user)
    if "runde" not in params:
        return holders
    return round_holders(round=_managed_round(user, params["runde"]), holders=holders)


def _units(user, params) -> QuerySet[Unit]:
    return access.units_visible_to(user).filter(is_active=True)


PEOPLE = {"search": _search_people, "exact": _exact_person, "label": person_label}
UNITS = {"search": _search_units, "exact": _exact_unit, "label": unit_label}
PERSON_HINT = _("Name, e-mail, employee number or unit")
UNIT_HINT = _("Name or code of the unit")


def _people(choices: Callable) -> Callable:
    return lambda user, params: choices(user)


SOURCES: dict[str, Source] = {
    # Planning a conversation: for whom, and who holds it.
    "plan-employee": Source(
        access.may_plan_conversation,
        _people(access.conversation_planning_people),
        placeholder=PERSON_HINT,
        **PEOPLE,
    ),
    "plan-leader": Source(
        access.may_plan_conversation, _people(access.holders_for), placeholder=PERSON_HINT, **PEOPLE
    ),
    # A person's line manager (administrators).
    "manager": Source(
        access.may_manage_org,
        _people(access.manager_choices_for),
        placeholder=PERSON_HINT,
        **PEOPLE,
    ),
    # Rounds: who holds conversations, and whom to add to a round (?runde=<id>).
    "round-holder": Source(
        access.may_create_round, _round_holders, placeholder=PERSON_HINT, **PEOPLE
    ),
    "round-person": Source(
        access.may_create_round, _round_people, placeholder=PERSON_HINT, **PEOPLE
    ),
    # The audit log's search by person (HR and administrators): anyone, former staff too.
    "audit-person": Source(
        access.may_search_audit,
        _people(access.people_visible_to),
        placeholder=PERSON_HINT,
        **PEOPLE,
    ),
    # Units, for forms and filters: names are not confidential.
    "units": Source(_signed_in, _units, placeholder=UNIT_HINT, **UNITS),
}


def matches(choices: QuerySet, source: Source, query: str) -> tuple[list, bool]:
    """At most MAX_MATCHES of `choices` matching `query`, and whether there are more. One
    query."""
    found = list(source.search(choices, query)[: MAX_MATCHES + 1])
    return found[:MAX_MATCHES], len(found) > MAX_MATCHES


class PickerWidget(forms.Widget):
    """A search field and a hidden id (see the module's docstring). Its value in the form's
    data is (id, typed text, id chosen among the no-JavaScript matches)."""

    template_name = "core/widgets/picker.html"

    def __init__(self, source: str, attrs=None):
        super().__init__(attrs)
        self.source = source
        self.params: dict[str, str] = {}
        self.chosen_label = ""
        self.found: list[tuple[str, str]] = []
        self.more = False

    def value_from_datadict(self, data, files, name):
        # The text is None when the form did not send the search field at all (a post of the
        # id alone): then the id is the choice.
        return (data.get(name, ""), data.get(f"{name}_sok"), data.get(f"{name}_valg", ""))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_sok" not in data and f"{name}_valg" not in data

    def format_value(self, value):
        if isinstance(value, tuple):
            return value[2] or value[0] or ""
        return "" if value is None else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        typed = value[1] if isinstance(value, tuple) else None
        if isinstance(value, tuple) and (value[2] or typed is None or self.chosen_label):
            typed = None  # show what was chosen
        context["widget"].update(
            {
                "url": reverse("pick", args=[self.source])
                + (f"?{urlencode(self.params)}" if self.params else ""),
                "text": self.chosen_label if typed is None else typed,
                "found": self.found,
                "more": self.more,
                "placeholder": SOURCES[self.source].placeholder,
            }
        )
        return context


class PickerField(forms.ModelChoiceField):
    """A person or a unit from a picker source, checked against that source's queryset."""

    default_error_messages = {
        "none": _(
            "No one you may choose matches “%(text)s”. Try a part of the name, or the e-mail address."
        ),
        "choose": _("Choose one of the matches below, or search again."),
        "invalid_choice": _("Choose someone from the list of matches."),
        "too_long": _("Write at most %(max)d characters to search for."),
    }

    def __init__(self, *, source: str, **kwargs):
        self.source_name = source
        kwargs.setdefault("widget", PickerWidget(source))
        super().__init__(queryset=Unit.objects.none(), **kwargs)

    @property
    def source(self) -> Source:
        return SOURCES[self.source_name]

    def bind(self, user, **params) -> None:
        """What this user may choose: the source's queryset from the access policy, with the
        picker's own parameters (which go into the search URL as well, an object by its id)."""
        self.queryset = self.source.choices(user, params)
        self.widget.params = {key: str(getattr(v, "pk", v)) for key, v in params.items()}

    def label_from_instance(self, obj) -> str:
        return self.source.label(obj)

    def prepare_value(self, value):
        """The chosen object's id, and its label for the search field."""
        if isinstance(value, tuple):
            return value
        obj = value if hasattr(value, "pk") else None
        if obj is None and value not in (None, ""):
            try:
                obj = self.queryset.get(pk=value)
            except (ValueError, TypeError, self.queryset.model.DoesNotExist):
                obj = None
        self.widget.chosen_label = self.label_from_instance(obj) if obj is not None else ""
        return obj.pk if obj is not None else value

    def clean(self, value):
        chosen, typed, picked = value if isinstance(value, tuple) else (value, None, "")
        if typed is None:
            return self._checked(super().clean(chosen))
        typed = typed.strip()
        if picked:
            # One of the matches listed without JavaScript.
            return self._checked(super().clean(picked))
        if chosen and typed:
            obj = super().clean(chosen)
            if typed == self.label_from_instance(obj):
                return self._checked(obj)
            # The text was changed after choosing (without JavaScript): search it.
        if not typed:
            return self._checked(super().clean(""))
        return self._checked(self._search(typed))

    def _checked(self, obj):
        self.widget.chosen_label = self.label_from_instance(obj) if obj is not None else ""
        return obj

    def _search(self, typed: str):
        if len(typed) > MAX_QUERY:
            raise ValidationError(
                self.error_messages["too_long"], code="too_long", params={"max": MAX_QUERY}
            )
        exact = self.source.exact(self.queryset, typed)
        if exact is not None:
            return exact
        found, more = matches(self.queryset, self.source, typed)
        self.widget.found = [(str(o.pk), self.label_from_instance(o)) for o in found]
        self.widget.more = more
        if not found:
            raise ValidationError(self.error_messages["none"], code="none", params={"text": typed})
        raise ValidationError(
            ngettext(
                "One match: choose it below, or search again.",
                "%(count)d matches: choose one below, or search again.",
                len(found),
            )
            % {"count": len(found)},
            code="choose",
        )
