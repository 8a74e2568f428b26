"""Choosing a person or a unit without listing the organization: a field that searches on
the server.

With JavaScript the field is Designsystemet's suggestion combobox (`ds-suggestion`,
static/js/picker.js) that asks `/velg/<source>/?q=…` for at most MAX_MATCHES matches as the
person types, and keeps the chosen id in a hidden input. Without JavaScript it is a plain
search field: the form comes back with the matches as radio buttons to choose from (the
"results page"), and saves nothing until one is chosen.

Every source is a function of the access policy: the search, the list of matches and the
value a form accepts are the same queryset, so a form can never accept an id its search
would not show. The sources are the apps': each registers its own (`register`, in its
`pickers` module: org's people and units, conversations', rounds', the audit log's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MAX_MATCHES = 20
# The longest text searched for: names, addresses and numbers are shorter, and SQLite
# refuses a LIKE pattern beyond 50,000 bytes.
MAX_QUERY = 100


@dataclass(frozen=True)
class Source:
    """What a picker may choose from, for whom: `may` is the policy's capability to search
    it at all (403 otherwise), `choices` the policy's queryset of what the user may pick."""

    may: Callable[..., bool]
    # (user, params) -> the queryset; params are the picker's own query parameters
    # (e.g. the round a person is added to), read from the URL as text.
    choices: Callable[..., QuerySet[Any]]
    # How the queryset is searched for what was typed, what matches it exactly (an e-mail
    # address, a code), and how a match is named.
    search: Callable[[QuerySet[Any], str], QuerySet[Any]]
    exact: Callable[[QuerySet[Any], str], object]
    label: Callable[[Any], str]
    placeholder: str | Promise


SOURCES: dict[str, Source] = {}


def register(name: str, source: Source) -> None:
    """Make `source` the picker source `name` (an app's pickers module, loaded by its
    ready(), so that the search URL /velg/<name>/ finds it)."""
    if SOURCES.get(name, source) is not source:
        raise RuntimeError(f"two picker sources are called {name!r}")
    SOURCES[name] = source


def matches(choices: QuerySet[Any], source: Source, query: str) -> tuple[list[Any], bool]:
    """At most MAX_MATCHES of `choices` matching `query`, and whether there are more. One
    query."""
    found = list(source.search(choices, query)[: MAX_MATCHES + 1])
    return found[:MAX_MATCHES], len(found) > MAX_MATCHES


class PickerWidget(forms.Widget):
    """A search field and a hidden id (see the module's docstring). Its value in the form's
    data is (id, typed text, id chosen among the no-JavaScript matches)."""

    template_name = "core/widgets/picker.html"

    def __init__(self, source: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.params: dict[str, str] = {}
        self.chosen_label = ""
        self.found: list[tuple[str, str]] = []
        self.more = False

    def value_from_datadict(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> tuple[Any, Any, Any]:
        # The text is None when the form did not send the search field at all (a post of the
        # id alone): then the id is the choice.
        return (data.get(name, ""), data.get(f"{name}_sok"), data.get(f"{name}_valg", ""))

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> bool:
        return name not in data and f"{name}_sok" not in data and f"{name}_valg" not in data

    def format_value(self, value: Any) -> str:
        if isinstance(value, tuple):
            return value[2] or value[0] or ""
        return "" if value is None else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
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


class PickerField(forms.ModelChoiceField[Any]):
    """A person or a unit from a picker source, checked against that source's queryset."""

    default_error_messages = {
        "none": _(
            "No one you may choose matches “%(text)s”. Try a part of the name, or the e-mail address."
        ),
        "choose": _("Choose one of the matches below, or search again."),
        "invalid_choice": _("Choose someone from the list of matches."),
        "too_long": _("Write at most %(max)d characters to search for."),
    }

    def __init__(self, *, source: str, **kwargs: Any) -> None:
        self.source_name = source
        kwargs.setdefault("widget", PickerWidget(source))
        super().__init__(queryset=None, **kwargs)

    @property
    def source(self) -> Source:
        return SOURCES[self.source_name]

    def bind(self, user: Any, **params: Any) -> None:
        """What this user may choose: the source's queryset from the access policy, with the
        picker's own parameters (which go into the search URL as well, an object by its id)."""
        self.queryset = self.source.choices(user, params)
        self.widget.params = {key: str(getattr(v, "pk", v)) for key, v in params.items()}

    def label_from_instance(self, obj: Any) -> str:
        return self.source.label(obj)

    def prepare_value(self, value: Any) -> Any:
        """The chosen object's id, and its label for the search field."""
        if isinstance(value, tuple):
            return value
        obj = value if hasattr(value, "pk") else None
        if obj is None and value not in (None, "") and self.queryset is not None:
            try:
                obj = self.queryset.get(pk=value)
            except (ValueError, TypeError, self.queryset.model.DoesNotExist):
                obj = None
        self.widget.chosen_label = self.label_from_instance(obj) if obj is not None else ""
        return obj.pk if obj is not None else value

    def clean(self, value: Any) -> Any:
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

    def _checked(self, obj: Any) -> Any:
        self.widget.chosen_label = self.label_from_instance(obj) if obj is not None else ""
        return obj

    def _search(self, typed: str) -> Any:
        if len(typed) > MAX_QUERY:
            raise ValidationError(
                self.error_messages["too_long"], code="too_long", params={"max": MAX_QUERY}
            )
        assert self.queryset is not None  # bound (bind) before a form is cleaned
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
