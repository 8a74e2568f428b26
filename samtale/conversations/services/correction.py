"""The goals and actions of a correction: drafted on the new revision, applied when both sign.

A correction's goals and actions are a draft on its revision (`agreed_goals`), taken from
the live goals and actions with their ids. The live rows stay as they are while the
correction is agreed, so the follow-up of the revision in force goes on undisturbed. When
both have signed, the signing applies the draft to them in one go
(actions.agreement.agreement_apply, the one place goals and actions are written).

The draft, one entry per goal:
    {"goal_id": 3 | None, "goal": "…", "removed": False,
     "actions": [{"action_id": 7 | None, "text": "…", "deadline": "2027-01-31" | None,
                  "responsible": "employee", "removed": False}]}
The frozen snapshot of a signed revision has the same shape without "removed".
"""

import hashlib
import json
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samtale.conversations.models import ActionStatus, Conversation, Responsible
from samtale.core.errors import DomainError

TEXT_MAX_LENGTH = 2000
Status = ActionStatus


def goals_prefill(conversation: Conversation) -> list[dict[str, Any]]:
    """The live goals and actions as a correction's first draft. Dropped actions are left
    out (they are no longer followed up), and so is a goal all of whose actions are."""
    draft = []
    for goal in conversation.goals.prefetch_related("actions"):
        actions = list(goal.actions.all())
        live = [a for a in actions if a.status != Status.DROPPED]
        if actions and not live:
            continue
        draft.append(
            {
                "goal_id": goal.pk,
                "goal": goal.text,
                "removed": False,
                "actions": [
                    {
                        "action_id": a.pk,
                        "text": a.text,
                        "deadline": a.deadline.isoformat() if a.deadline else None,
                        "responsible": a.responsible,
                        "removed": False,
                    }
                    for a in live
                ],
            }
        )
    return draft


def draft_version(draft: list[dict[str, Any]]) -> str:
    """A short fingerprint of a draft: a form based on another draft is refused, not saved
    over what someone else (or another tab) wrote."""
    return hashlib.sha256(json.dumps(draft, sort_keys=True).encode()).hexdigest()[:16]


def agreed(draft: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a draft agrees on: its goals and actions without the removed ones."""
    return [
        {
            "goal_id": goal.get("goal_id"),
            "goal": goal["goal"],
            "actions": [
                {key: a.get(key) for key in ("action_id", "text", "deadline", "responsible")}
                for a in goal["actions"]
                if not a.get("removed")
            ],
        }
        for goal in draft
        if not goal.get("removed")
    ]


def removed(draft: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a draft removes: whole goals, and single actions of the goals it keeps."""
    gone = []
    for goal in draft:
        actions = [a for a in goal["actions"] if goal.get("removed") or a.get("removed")]
        if goal.get("removed") or actions:
            gone.append(
                {"goal": goal["goal"], "whole": bool(goal.get("removed")), "actions": actions}
            )
    return gone


def _text(text: str, *, required: bool, message: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(message)
    if len(text) > TEXT_MAX_LENGTH:
        raise DomainError(_("At most %(max)d characters.") % {"max": TEXT_MAX_LENGTH})
    return text


def _deadline(value: date | None, before: str | None) -> str | None:
    """A new or changed deadline must be ahead; one left as it was may have passed."""
    iso = value.isoformat() if value else None
    if iso != before and value is not None and value < timezone.localdate():
        raise DomainError(_("The deadline has already passed."))
    return iso


def _action_clean(
    action: dict[str, Any], old: dict[str, Any] | None, *, gone: bool
) -> dict[str, Any] | None:
    """One action of a proposed goal against the stored one (`old`, None when new); None
    for a new one removed or left empty."""
    text = _text(
        action.get("text", ""),
        required=old is not None and not gone,
        message=_("Write the action, or remove it."),
    )
    if old is None and (gone or not text):
        return None
    responsible = action.get("responsible") or Responsible.EMPLOYEE
    if responsible not in Responsible.values:
        raise DomainError(_("Choose who is responsible."))
    before_deadline = old["deadline"] if old else None
    return {
        "action_id": old["action_id"] if old else None,
        "text": text or (old["text"] if old else ""),
        "deadline": before_deadline if gone else _deadline(action.get("deadline"), before_deadline),
        "responsible": responsible,
        "removed": gone,
    }


def _goal_clean(entry: dict[str, Any], before: dict[str, Any] | None) -> dict[str, Any] | None:
    """One proposed goal against the stored one (`before`, None when new); None for a new
    one removed or left empty."""
    if before is not None and len(entry["actions"]) < len(before["actions"]):
        raise DomainError(_("The goals changed while you wrote. Open the page again."))
    removed = bool(entry.get("removed"))
    goal_text = _text(
        entry.get("goal", ""),
        required=before is not None and not removed,
        message=_("Write the goal, or remove it."),
    )
    if before is None and (removed or not goal_text):
        if not removed and any((a.get("text") or "").strip() for a in entry["actions"]):
            raise DomainError(_("Write the goal the new action belongs to."))
        return None
    olds = before["actions"] if before else []
    actions = [
        _action_clean(
            action,
            olds[position] if position < len(olds) else None,
            gone=removed or bool(action.get("removed")),
        )
        for position, action in enumerate(entry["actions"])
    ]
    return {
        "goal_id": before["goal_id"] if before else None,
        "goal": goal_text or (before["goal"] if before else ""),
        "removed": removed,
        "actions": [a for a in actions if a is not None],
    }


def draft_clean(
    current: list[dict[str, Any]], proposed: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Check a proposed draft against the stored one: the same goals and actions in the same
    places (ids are taken from the stored draft, never from the form), texts written unless
    removed, a valid responsible, and deadlines ahead when new or changed. Raises DomainError.

    `proposed` has one entry per stored goal, in order, then any new goals; each goal's
    actions likewise. Deadlines are dates (or None). New entries that are removed or empty
    are left out.
    """
    if len(proposed) < len(current):
        raise DomainError(_("The goals changed while you wrote. Open the page again."))
    goals = [
        _goal_clean(entry, current[index] if index < len(current) else None)
        for index, entry in enumerate(proposed)
    ]
    return [goal for goal in goals if goal is not None]
