"""What changed between two revisions of a summary, for the comparison page.

The texts are compared word by word (difflib); the goals and actions by the ids of the
live rows they were agreed as (older snapshots without ids, by their text). The result is
plain data: the template escapes every text and marks the changes with <ins> and <del>.
"""

import difflib
import re
from dataclasses import dataclass, field

from samtale.conversations import selectors
from samtale.conversations.models import Conversation, Responsible, SummaryRevision

# A word with the space after it: spaces alone never match, so a change reads as one piece.
WORDS = re.compile(r"^\s+|\S+\s*")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


def text_diff(before: str, after: str) -> list[Piece]:
    """`after` against `before`, word by word; whitespace is kept as written."""
    a, b = WORDS.findall(before or ""), WORDS.findall(after or "")
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(b[j1:j2])))
    return pieces


@dataclass
class ActionChange:
    kind: str  # "added", "removed", "changed" or "same"
    before: dict | None
    after: dict | None
    fields: list[str] = field(default_factory=list)  # "text", "deadline", "responsible"


@dataclass
class GoalChange:
    kind: str  # "added", "removed", "changed" or "same"
    before: str | None
    after: str | None
    actions: list[ActionChange] = field(default_factory=list)

    @property
    def changed_actions(self) -> list[ActionChange]:
        return [a for a in self.actions if a.kind != "same"]


def _key(entry: dict, id_key: str, text_key: str):
    return ("id", entry[id_key]) if entry.get(id_key) else ("text", entry.get(text_key))


def _action(entry: dict) -> dict:
    responsible = entry.get("responsible") or ""
    label = Responsible(responsible).label if responsible in Responsible.values else responsible
    return {**entry, "responsible_label": label}


def labelled(goals: list[dict]) -> list[dict]:
    """Goals whose actions carry the label of who is responsible, for showing."""
    return [{**goal, "actions": [_action(a) for a in goal["actions"]]} for goal in goals]


def _matched(before: list[dict], after: list[dict], id_key: str, text_key: str):
    """(previous, entry) for each entry of `after` in its order, previous None when it is
    new; then (entry, None) for each entry of `before` that `after` no longer has."""
    old = {_key(e, id_key, text_key): e for e in before}
    seen = set()
    for entry in after:
        key = _key(entry, id_key, text_key)
        seen.add(key)
        yield old.get(key), entry
    for key, entry in old.items():
        if key not in seen:
            yield entry, None


def _actions_diff(before: list[dict], after: list[dict]) -> list[ActionChange]:
    changes = []
    for previous, entry in _matched(before, after, "action_id", "text"):
        if entry is None:
            changes.append(ActionChange("removed", _action(previous), None))
        elif previous is None:
            changes.append(ActionChange("added", None, _action(entry)))
        else:
            fields = [
                f for f in ("text", "deadline", "responsible") if previous.get(f) != entry.get(f)
            ]
            kind = "changed" if fields else "same"
            changes.append(ActionChange(kind, _action(previous), _action(entry), fields))
    return changes


def goals_diff(before: list[dict], after: list[dict]) -> list[GoalChange]:
    """Goals added, removed and changed (their text or any of their actions), in the order
    of `after`, then the removed ones."""
    changes = []
    for previous, goal in _matched(before, after, "goal_id", "goal"):
        if goal is None:
            actions = [ActionChange("removed", _action(a), None) for a in previous["actions"]]
            changes.append(GoalChange("removed", previous["goal"], None, actions))
            continue
        actions = _actions_diff(previous["actions"] if previous else [], goal["actions"])
        if previous is None:
            kind = "added"
        elif previous["goal"] != goal["goal"] or any(a.kind != "same" for a in actions):
            kind = "changed"
        else:
            kind = "same"
        changes.append(
            GoalChange(kind, previous["goal"] if previous else None, goal["goal"], actions)
        )
    return changes


def revision_goals(conversation: Conversation, revision: SummaryRevision) -> list[dict]:
    """The goals and actions a revision agrees on: frozen when signed; a correction's draft
    while it is agreed, or as it was withdrawn; the live ones for a first revision not yet
    signed."""
    from samtale.conversations.services import correction
    from samtale.conversations.services.summary import is_correction_open

    if revision.is_signed:
        return revision.agreed_goals
    if is_correction_open(conversation, revision) or revision.withdrawn_at:
        return correction.agreed(revision.agreed_goals)
    return selectors.goals_as_agreed(conversation)


@dataclass
class Comparison:
    before: SummaryRevision
    after: SummaryRevision
    text: list[Piece]
    shared_outside: list[Piece]
    goals: list[GoalChange]

    @property
    def revisions(self) -> list[SummaryRevision]:
        return [self.before, self.after]

    @property
    def text_changed(self) -> bool:
        return any(p.kind != "same" for p in self.text)

    @property
    def shared_changed(self) -> bool:
        return any(p.kind != "same" for p in self.shared_outside)

    @property
    def conclusion_changed(self) -> bool:
        return self.before.conclusion != self.after.conclusion

    @property
    def goals_changed(self) -> list[GoalChange]:
        return [g for g in self.goals if g.kind != "same"]

    @property
    def anything_changed(self) -> bool:
        return (
            self.text_changed
            or self.shared_changed
            or self.conclusion_changed
            or bool(self.goals_changed)
        )


def compare(
    conversation: Conversation, before: SummaryRevision, after: SummaryRevision
) -> Comparison:
    return Comparison(
        before=before,
        after=after,
        text=text_diff(before.text, after.text),
        shared_outside=text_diff(before.shared_outside, after.shared_outside),
        goals=goals_diff(revision_goals(conversation, before), revision_goals(conversation, after)),
    )
