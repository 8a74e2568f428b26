"""Run by bench/loadtest.py in `manage.py shell` on the tested database: is every save the
server acknowledged (the ledger bench/locustfile.py kept) in the database?

A note keeps only its latest text, so for each note: every acknowledged version is one
more than the version it was based on, no version was acknowledged twice (two writers
both told "saved" for the same version would be a silent overwrite), and the database
holds the highest acknowledged version with its text.

Nothing half written: for every action the leaders updated during the run, each update
(ActionUpdate) has its audit entry, and the action's status is its latest update's. Both
are written in one transaction, so a request killed or cut off by the database in the
middle leaves neither. Prints `lost N, half H` last.
"""

import json
from collections import defaultdict

from samtale.actions.models import Action, ActionUpdate
from samtale.conversations.models import Conversation, Note
from samtale.core.models import AuditEntry

with open(LEDGER_PATH, encoding="utf-8") as f:  # noqa: F821 (put in by loadtest.py)
    ledger = json.load(f)
acks = defaultdict(list)
for conversation, theme, version, text, base in ledger["saves"]:
    acks[(conversation, theme)].append((version, text, base))
lost = 0
employees = dict(
    Conversation.objects.filter(pk__in={c for c, _t in acks}).values_list("pk", "employee_id")
)
for (conversation, theme), saves in acks.items():
    versions = [v for v, _text, _base in saves]
    overwritten = len(versions) - len(set(versions))
    unchained = sum(1 for v, _text, base in saves if v != base + 1)
    top_version, top_text, _base = max(saves)
    note = (
        Note.objects.filter(
            preparation__conversation_id=conversation,
            preparation__author_id=employees[conversation],
            theme_key=theme,
        )
        .values("version", "text")
        .first()
    )
    missing = sum(1 for v in versions if note is None or v > note["version"])
    wrong = note is not None and note["version"] == top_version and note["text"] != top_text
    if overwritten or unchained or missing or wrong:
        print(
            f"  note {conversation}/{theme}: {overwritten} overwritten, {unchained} unchained, "
            f"{missing} missing, text {'differs' if wrong else 'ok'}"
        )
    lost += overwritten + unchained + missing + int(wrong)
half = 0
since = ledger["started"]
for action in Action.objects.filter(pk__in=ledger["actions"]):
    updates = list(ActionUpdate.objects.filter(action=action, at__gte=since).order_by("pk"))
    if not updates:
        continue
    audited = AuditEntry.objects.filter(
        action="action.update", object_id=str(action.pk), at__gte=since
    ).count()
    changed = [u for u in updates if u.to_status]
    if audited != len(updates) or (changed and changed[-1].to_status != action.status):
        print(
            f"  action {action.pk}: {len(updates)} updates, {audited} audited, "
            f"status {action.status}, last update {changed[-1].to_status if changed else '-'}"
        )
        half += 1
print(f"  checked the updates of {len(ledger['actions'])} actions: {half} half written")
print(
    f"  checked {len(ledger['saves'])} acknowledged saves on {len(acks)} notes: lost {lost}, half {half}"
)
