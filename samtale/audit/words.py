"""The audit log in words: each entry as a sentence in the reader's language, and as it is
stored (code and details) for the technically minded.

A sentence is built from a table, audit.sentences.SENTENCES: action code → a translatable
sentence with named placeholders, filled from the entry alone and from `names`, the names
the page has looked up (audit.selectors.names_of). It names who did it, the person, unit, round or
template it was done to, and counts: what the log's readers, HR and the administrators,
already see of people on this page. Never content: the log holds none, and a sentence adds
none (no goal's text, no need's text, no national identity number).

The placeholders:
- actor: who did it; "Samtale" for its own jobs, or someone not signed in (entry.ip).
- subject: the person, unit, round or template the entry is about, by name.
- conversation: "Kari Nordmann's conversation" for an entry about a conversation, a goal or
  an action (the conversation's employee); form: "the signed follow-up form for Kari
  Nordmann" for one about a signed form.
- each detail by its key: people and units the details name by id (REFERENCES) by name,
  counts written as Norwegians write them, codes by their label where the words give one.

A code without a sentence reads "<actor> did <code>": a new service's action never breaks
the page, and audit/tests/test_words.py fails until it has its sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import NamedTuple

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from samtale.audit.sentences import SENTENCES
from samtale.audit.sentences.base import Words

# What HR and administrators search by: an action's first part (or the whole action).
KINDS = [
    ("conversation.read", _("Reads of conversations outside the two")),
    ("download", _("Downloads and exports")),
    ("login", _("Sign-in")),
    ("logout", _("Sign-out")),
    ("person", _("People, roles and e-mail addresses")),
    ("round", _("Rounds and who holds the conversations")),
    ("calendar", _("Calendar connections")),
    ("import", _("Imports")),
    ("unit", _("Units")),
    ("conversation", _("Conversations")),
    ("preparation", _("Preparation")),
    ("note", _("Notes")),
    ("answers", _("Answers to the statements")),
    ("summary", _("Summaries and signing")),
    ("goal", _("Goals")),
    ("action", pgettext_lazy("goals and actions", "Actions")),
    ("need", _("Shared needs")),
    ("guide", _("Templates")),
    ("archive", _("The archive and the personnel file")),
    ("privacy", _("Copies of people's data and legal holds")),
    ("retention", _("Deletion by the retention policy")),
    ("api", _("API tokens")),
    ("password_reset", _("Password reset")),
]


UNKNOWN = _("%(actor)s did “%(code)s”")

DOWNLOAD_FORMATS = {"csv": "CSV", "xlsx": "Excel"}

# Details that name a person, unit or template by id: shown by name ("object type" as in
# AuditEntry.object_type). The ids are looked up with the entries' own objects.
REFERENCES = {
    "person": "org.person",
    "holder": "org.person",
    "leader": "org.person",
    "reader": "org.person",
    "old_manager": "org.person",
    "new_manager": "org.person",
    "unit": "org.unit",
    "source": "guides.guide",
    # Lists of people by id: named one by one ("Ola Berg and Kari Dahl").
    "leaders": "org.person",
    "recent": "org.person",
    "all_timed": "org.person",
}
# Objects whose sentence names the conversation they belong to, by its employee.
CONVERSATION_TYPES = {"conversations.conversation", "actions.goal", "actions.action"}
FORM_TYPE = "archive.signedform"
# Objects named as "the round «Name»": their name in quotes, or their number when gone.
NAMED_TYPES = {"org.unit", "rounds.round", "guides.guide"}
# Numbers in sentences written as they are, not as a count ("2026", not "2 026").
PLAIN_NUMBERS = {"year", "version", "source_version", "revision"}

# Filling in --------------------------------------------------------------------------------


class _Count(int):
    """A count in a sentence: a number to ngettext, written as Norwegians write it (20 000)
    where the sentence shows it."""

    def __str__(self) -> str:
        return formats.number_format(int(self), use_l10n=True, force_grouping=True)


class _Names(list):
    """People named in a sentence, as a list is read: "Ola Berg, Kari Dahl and Per Ås"; a
    count where the words ask for one (ngettext)."""

    def __str__(self) -> str:
        names = [str(name) for name in self]
        if len(names) < 2:
            return "".join(names) or "–"
        return gettext("%(names)s and %(last)s") % {
            "names": ", ".join(names[:-1]),
            "last": names[-1],
        }

    def __int__(self) -> int:
        return len(self)


class _Values(dict):
    """A sentence's placeholders: a detail an older entry lacks reads as a dash."""

    def __missing__(self, key):
        return "–"


def _person_phrase(name: str | None) -> str:
    return name or gettext("a person no longer in Samtale")


def _named(object_type: str, object_id, names: Mapping) -> str:
    name = names.get((object_type, str(object_id)))
    if name:
        return gettext("“%(name)s”") % {"name": name}
    return gettext("number %(id)s") % {"id": object_id}


def _referenced(key: str, value, names: Mapping) -> str:
    object_type = REFERENCES[key]
    if object_type != "org.person":
        return "–" if value is None else _named(object_type, value, names)
    if value is None:
        return gettext("nobody")  # a line manager changed from or to none
    return _person_phrase(names.get((object_type, str(value))))


def _field_names(object_type: str, fields) -> str:
    """The names of the changed fields in the reader's language, as the forms label them."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        model = None
    shown = []
    for name in fields if isinstance(fields, list) else [fields]:
        try:
            shown.append(str(model._meta.get_field(name).verbose_name) if model else str(name))
        except FieldDoesNotExist:
            shown.append(str(name))
    return ", ".join(shown)


def _detail(key: str, value, entry, words: Words | None, names: Mapping):
    if key in REFERENCES and (value is None or type(value) is int):
        return _referenced(key, value, names)
    if key in REFERENCES and isinstance(value, list):
        return _Names(_referenced(key, item, names) for item in value)
    if value is None:
        return "–"
    labels = words.labels.get(key) if words is not None else None
    if labels is not None and not isinstance(value, (list, dict)):
        return str(labels.get(value, value))
    if key == "fields":
        return _field_names(entry.object_type, value)
    if key == "format":
        return DOWNLOAD_FORMATS.get(value, value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, int):
        return str(value) if key in PLAIN_NUMBERS else _Count(value)
    if isinstance(value, list):
        return _Count(len(value))
    return str(value)


def _data(entry) -> dict:
    return dict(entry.data) if isinstance(entry.data, dict) else {}


def _actor(entry) -> str:
    if entry.actor_name:
        return entry.actor_name
    # No one signed in: Samtale's own jobs have no address; a request had one.
    return gettext("Samtale") if not entry.ip else gettext("someone who was not signed in")


def _subject(entry, names: Mapping) -> str:
    if not entry.object_type:
        return gettext("someone Samtale does not know")
    if entry.object_type in NAMED_TYPES:
        return _named(entry.object_type, entry.object_id, names)
    return _person_phrase(names.get((entry.object_type, entry.object_id)))


def _facts_and_values(entry, names: Mapping | None = None) -> tuple[dict, _Values]:
    """What picks an entry's sentence, and what fills it in (see the module)."""
    names = names or {}
    words = SENTENCES.get(entry.action)
    key = (entry.object_type, entry.object_id)
    name = names.get(key)
    facts = _data(entry) | {
        "self": bool(
            entry.actor_id
            and entry.object_type == "org.person"
            and entry.object_id == str(entry.actor_id)
        ),
        "object": bool(entry.object_type),
        "subject": name,
    }
    values = _Values(
        actor=_actor(entry),
        subject=_subject(entry, names),
        code=entry.action,
        conversation=(
            gettext("%(name)s's conversation") % {"name": name}
            if name and entry.object_type in CONVERSATION_TYPES
            else gettext("a conversation")
        ),
        form=(
            gettext("the signed follow-up form for %(name)s") % {"name": name}
            if name and entry.object_type == FORM_TYPE
            else gettext("a signed follow-up form")
        ),
    )
    for detail, value in _data(entry).items():
        if detail not in values:
            values[detail] = _detail(detail, value, entry, words, names)
    return facts, values


def sentence(entry, names: Mapping | None = None) -> str:
    """The entry as a sentence in the active language. `names`: (object type, id) → name, of
    the entries' objects and of the people, units and templates their details name
    (audit.selectors.names_of); without them, the sentence says "a person", "a conversation".
    """
    words = SENTENCES.get(entry.action)
    facts, values = _facts_and_values(entry, names)
    if words is not None:
        try:
            return capfirst(words.pick(facts) % values)
        except (KeyError, TypeError, ValueError):
            pass  # details of another shape than the words expect: the general sentence
    return capfirst(UNKNOWN % values)


# As stored ---------------------------------------------------------------------------------

LONGEST_VALUE = 120
# A run of characters without a space (an address, a hash) is shown in pieces of this many,
# which the page may break a line between (<wbr>): the body's overflow-wrap does not let a
# table column narrow below its longest word, and the row would push the table past the
# screen.
LONGEST_RUN = 20


class Stored(NamedTuple):
    """One line of an entry as stored: a key and its value as text."""

    key: str
    value: str

    @property
    def pieces(self) -> list[str]:
        pieces = [""]
        for token in re.split(r"(\s+)", self.value):
            chunks = [token[i : i + LONGEST_RUN] for i in range(0, len(token), LONGEST_RUN)]
            pieces[-1] += chunks[0] if chunks else ""
            pieces.extend(chunks[1:])
        return pieces


def _stored(value) -> str:
    if isinstance(value, bool):
        text = gettext("yes") if value else gettext("no")
    elif value is None:
        text = "–"
    elif isinstance(value, list):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def stored(entry) -> list[Stored]:
    """The entry as it is stored, for the technically minded: its code, object, address and
    number, then each detail as key: value (yes/no in the reader's language; a long value
    cut)."""
    rows = [Stored(gettext("Code"), entry.action)]
    if entry.object_type:
        rows.append(Stored(gettext("Object"), f"{entry.object_type} {entry.object_id}"))
    rows.append(Stored(gettext("From where"), entry.ip or "–"))
    rows.append(Stored(gettext("Entry"), str(entry.pk)))
    rows += [Stored(key, _stored(value)) for key, value in _data(entry).items()]
    return rows
