"""What a change of line manager would bring with it, told to the administrator before
they save it on the person form (org.views.person_edit), and after, in the message that
says it is saved.

org stands below the domains that follow a person (conversations, actions, rounds) and
cannot ask them: the one that calls what a change brings (rounds.handover) registers here
what it would bring. Counts, times and names only: whoever changes a line manager never
reads a conversation (PRODUCT.md).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from samtale.core.access import may_manage_org, require
from samtale.org.models import Person


@dataclass(frozen=True)
class Consequence:
    """One thing the change brings: said before (`before`, with its steps in `details`)
    and after it is saved (`after`), and what the two-step save compares (`key`: changes
    when what would move changes)."""

    before: str
    after: str
    key: str
    details: tuple[str, ...] = ()


Preview = Callable[..., list[Consequence]]
PREVIEWS: list[Preview] = []


def preview_register(preview: Preview) -> Preview:
    """Register what an app would do when a person's line manager changes: called with
    person= (their line manager still the earlier one) and new_manager= (or None)."""
    if preview not in PREVIEWS:
        PREVIEWS.append(preview)
    return preview


def leader_change_preview(
    *, actor: Person, person: Person, new_manager: Person | None
) -> list[Consequence]:
    """What changing `person`'s line manager to `new_manager` would bring with it, for the
    administrator who changes it (nothing when the line manager stays)."""
    require(may_manage_org(actor))
    if person.manager_id == (new_manager.pk if new_manager else None):
        return []
    found = []
    for preview in PREVIEWS:
        found.extend(preview(person=person, new_manager=new_manager))
    return found


def preview_key(consequences: list[Consequence]) -> str:
    """A short fingerprint of what would move: the form carries it from the warning to the
    save, and the save asks again if it no longer matches (a conversation planned between)."""
    text = "\n".join(c.key for c in consequences)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
