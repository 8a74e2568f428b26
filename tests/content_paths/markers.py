"""The world's markers (world.py), each recorded once: its text, who wrote it, whether only
they read it, and the model's field it is stored in (found in the database once the world
is built). The leak tests read their lists from these records, and a test checks that every
text field of the conversation models holds a marker, so a new text field is covered by
writing one marker where the world writes that field."""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import models
from django.http import HttpRequest

from samtale.org.models import Person
from testkit.people import ROLES

MARKER = re.compile(r"MARKER-[\w-]*", re.IGNORECASE)

# The apps whose models hold what a conversation says.
CONVERSATION_APPS = ("conversations", "actions", "needs", "rounds")
# Their text fields that hold no free text: keys, codes and a round's name.
NOT_FREE_TEXT = {
    "conversations.Conversation.status_before_postponement",
    "conversations.StatusChange.from_status",
    "conversations.Note.theme_key",
    "conversations.LikertAnswer.statement_key",
    "conversations.LeadershipAnswer.statement_key",
    "rounds.Round.name",
    "rounds.Participant.conversation_status",
    "rounds.RoundCount.status",
}
# The fields e-mails carry by design ("purpose, time, place and a link"): a conversation's
# where. Mail to someone who has no right to the content may hold these, nothing else.
MAILED = {"conversations.Conversation.place"}


@dataclass
class Marker:
    label: str
    text: str
    by: str  # the role of the person who wrote it (testkit.people.ROLES)
    private: bool  # only its writer reads it (a note they have not shared)
    replaced: bool  # a later text took its place: stored nowhere now
    # The fields it is stored in, "app.Model.field" (Markers.locate): one, or two where a
    # copy is kept (a need shared with the register).
    fields: set[str] = field(default_factory=set)

    @property
    def conversation(self) -> str:
        """The world's conversation it belongs to ("A"–"F"), or "" (the round's own)."""
        head = self.label.split("-", 1)[0]
        return head if len(head) == 1 and head.isupper() else ""


class Markers(dict[str, str]):
    """label -> marker text; every text the setup writes comes from here, recorded with who
    wrote it (`records`)."""

    def __init__(self, people: object) -> None:
        super().__init__()
        self.records: dict[str, Marker] = {}
        self._roles = {
            person.pk: role
            for role in ROLES
            if isinstance(person := getattr(people, role, None), Person)
        }

    def __call__(
        self, label: str, *, by: Person, private: bool = False, replaced: bool = False
    ) -> str:
        assert label not in self, f"marker {label} used twice"
        self[label] = f"MARKER-{label}"
        role = self._roles[by.pk]
        self.records[label] = Marker(label, self[label], role, private, replaced)
        return self[label]

    def locate(self) -> None:
        """Record the fields each marker is stored in: every one is in some, but one that
        was replaced."""
        for name, model, column in free_text_fields():
            stored = model._default_manager.filter(**{f"{column}__contains": "MARKER-"})
            for value in stored.values_list(column, flat=True):
                for text in MARKER.findall(value):
                    self.records[text.removeprefix("MARKER-")].fields.add(name)
        unplaced = [r.label for r in self.records.values() if bool(r.fields) == r.replaced]
        assert not unplaced, f"not stored (or, replaced, still stored): {unplaced}"

    def of(self, *, fields: set[str]) -> set[str]:
        """The labels of the markers stored in any of `fields`."""
        return {label for label, r in self.records.items() if r.fields & fields}


def free_text_fields() -> list[tuple[str, type[models.Model], str]]:
    """Every field of the conversation models that holds free text: ("app.Model.field",
    the model, the field's name)."""
    found = []
    for app in CONVERSATION_APPS:
        for model in apps.get_app_config(app).get_models():
            for column in model._meta.get_fields():
                if not isinstance(column, models.CharField | models.TextField) or column.choices:
                    continue
                name = f"{model._meta.label}.{column.name}"
                if name not in NOT_FREE_TEXT:
                    found.append((name, model, column.name))
    return found


def markers_in(text: str) -> list[str]:
    """Every marker, or the start of one (a truncated text), in `text`."""
    return sorted(set(MARKER.findall(text)))


def exposed(response) -> str:
    """All a response gives its reader: headers, cookies, the flash messages in the messages
    cookie (signed and encoded, so decoded here), and the body."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [f"{key}: {value}" for key, value in response.items()]
    parts.append(response.cookies.output())
    morsel = response.cookies.get(CookieStorage.cookie_name)
    if morsel is not None and morsel.value:
        parts += map(str, CookieStorage(HttpRequest())._decode(morsel.value) or [])
    parts.append(body.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def mail_text(message) -> str:
    parts = [message.subject, message.body, *message.to, *message.cc, *message.bcc]
    parts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    for attachment in message.attachments:
        # (filename, content, mimetype), or a MIME part such as the calendar invitation.
        content = attachment[1] if isinstance(attachment, tuple) else attachment.get_content()
        parts.append(unfolded(content.decode() if isinstance(content, bytes) else str(content)))
    return "\n".join(parts)


def unfolded(text: str) -> str:
    """A calendar file's lines as they were before folding (RFC 5545 folds a line longer than
    75 octets, going on after a line break and a space): a marker in a long line, a video
    link's in DESCRIPTION, is then whole, not read as the start of one."""
    if "BEGIN:VCALENDAR" not in text:
        return text
    return re.sub(r"\r?\n[ \t]", "", text)
