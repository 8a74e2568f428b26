"""What a signed follow-up form says, frozen when both have signed.

The form holds the facts of the conversation and its conclusion, never what either party
prepared, and never the summary's text: that stays between the two. Labels are not stored,
only facts, so the PDF is written in the conversation's language from the same content.
"""

import hashlib
import json

from django.conf import settings

from samtale import tenancy
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.guides.models import localized
from samtale.org.models import Person, Unit
from samtale.priorities import selectors as priorities_selectors

# Raised when what `form_content` writes changes shape, so a reader knows which it holds.
# 2: the workplace's goals the conversation showed (unit_goals).
# 3: the workplace's goal each agreed goal serves (goals[].serves).
SCHEMA = 3


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _enterprise(unit: Unit | None) -> Unit | None:
    """The top of the unit's tree: the enterprise (virksomhet) the unit belongs to."""
    seen = set()
    while unit is not None and unit.parent_id is not None and unit.pk not in seen:
        seen.add(unit.pk)
        unit = unit.parent
    return unit


def _person(person: Person) -> dict:
    return {
        "id": person.pk,
        "name": person.full_name,
        "number": person.employee_number or "",
        "job_title": person.job_title,
    }


def _unit_goals(conversation: Conversation) -> dict | None:
    """The workplace's goals the conversation showed in the theme the leader fills in, as
    they were when it was signed (priorities.selectors.for_conversation)."""
    found = priorities_selectors.for_conversation(conversation)
    if found is None:
        return None
    return {
        "unit": found.unit.name if found.unit else "",
        "year": found.year,
        "goals": [
            {
                "kind": goal.kind,
                "title": goal.title,
                "serves": goal.parent.title if goal.parent else "",
            }
            for goal in found.goals
        ],
    }


def form_content(revision: SummaryRevision) -> dict:
    """The follow-up form of a revision both have signed, as plain data."""
    conversation: Conversation = revision.conversation
    employee, leader = conversation.employee, conversation.leader
    unit = employee.unit
    enterprise = _enterprise(unit)
    language = employee.language or settings.LANGUAGE_CODE
    version = conversation.guide_version
    return {
        "schema": SCHEMA,
        "conversation": conversation.pk,
        "revision": revision.number,
        "replaces": revision.number - 1 if revision.number > 1 else None,
        "language": language,
        "kind": conversation.kind,
        # The round it was held in, if any: the archive gets it with the form (Fiks Arkiv).
        "round": conversation.round.name if conversation.round is not None else "",
        "organization": tenancy.organization_name() or (enterprise.name if enterprise else ""),
        "enterprise": enterprise.name if enterprise else "",
        "unit": unit.name if unit else "",
        "employee": _person(employee),
        "leader": _person(leader),
        "held_at": _iso(conversation.held_or_planned_at),
        "template": {
            "name": localized(version.name, language) if version else "",
            "version": version.number if version else None,
        },
        "unit_goals": _unit_goals(conversation),
        "conclusion": revision.conclusion,
        "goals": [
            {
                "goal": goal.get("goal", ""),
                "serves": goal.get("serves", ""),
                "actions": [
                    {
                        "text": action.get("text", ""),
                        "deadline": action.get("deadline"),
                        "responsible": action.get("responsible", ""),
                    }
                    for action in goal.get("actions", [])
                ],
            }
            for goal in revision.agreed_goals or []
        ],
        "shared_outside": revision.shared_outside,
        "signed": {
            "employee": _iso(revision.employee_signed_at),
            "leader": _iso(revision.leader_signed_at),
        },
    }


def canonical(content: dict) -> bytes:
    """One byte form of the content, whatever order its keys were written in."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fingerprint(content: dict) -> str:
    """The SHA-256 printed on the form: anyone holding the content can check the PDF says it."""
    return hashlib.sha256(canonical(content)).hexdigest()
