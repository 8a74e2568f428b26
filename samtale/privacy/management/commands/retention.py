from samtale.privacy import records, retention, services
from samtale.tenancy.commands import TenantCommand

LABELS = {
    "notes": "notes deleted",
    "checklists": "leader's checklists emptied",
    "texts": "rows whose texts were blanked",
    "likert": "answers to statements kept as anonymous counts",
    "leadership": "answers about the leader deleted",
    "forms": "signed forms deleted (with their PDFs)",
    "conversations_notes": "conversations whose preparation notes went",
    "conversations_leavers": "conversations of leavers whose content went",
    "people": "people who left whose content went",
    "emails": "records of e-mail sent deleted",
    "email_changes": "earlier e-mail addresses deleted",
    "import_undo": "imports whose before-and-after values went",
    "hold_reasons": "reasons of released legal holds blanked",
    "sessions": "expired sessions deleted",
    "plan_comments": "comments on competence plans deleted",
    "need_comments": "HR's comments on needs blanked",
    "national_ids": "leavers' national identity numbers blanked",
    "provider_links": "links to identity-provider accounts of people no longer active deleted",
}


def _ids(ids) -> str:
    return ", ".join(map(str, sorted(ids))) or "-"


class Command(TenantCommand):
    # Each tenant's own policy, in its own database: --tenant for one.
    every_tenant_by_default = True
    help = (
        "Delete what the retention policy says is due (SAMTALE_RETAIN_NOTES_MONTHS, "
        "SAMTALE_RETAIN_LEAVERS_YEARS); --dry-run lists what would go. Prints counts and "
        "conversation ids, never content."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would go; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        run, plan = services.retention_run(dry_run=dry_run)
        self.stdout.write(
            f"Retention{' (dry run: nothing is deleted)' if dry_run else ''}: preparation notes "
            f"{run.notes_months} months after signing; the content of leavers' conversations "
            f"{run.leavers_years} years after they left (before {retention.left_before(plan.now)})."
        )
        verb = "would go" if dry_run else "went"
        self.stdout.write(
            f"Preparation notes {verb}: {len(plan.notes)} conversations: {_ids(plan.notes)}"
        )
        self.stdout.write(
            f"Content of leavers {verb}: {len(plan.leavers)} people, "
            f"{len(plan.leaver_conversations)} conversations: {_ids(plan.leaver_conversations)}"
        )
        self.stdout.write(
            f"Kept for a legal hold: {len(plan.held)} conversations: {_ids(plan.held)}"
        )
        self.stdout.write(
            f"Waiting for the personnel file: {len(plan.unarchived)} conversations: "
            f"{_ids(plan.unarchived)}"
        )
        for kind in retention.COUNTED + records.COUNTED:
            self.stdout.write(f"  {run.counts.get(kind, 0):>8}  {LABELS[kind]}")
        if not dry_run and (run.skipped_hold, run.skipped_unarchived) != (
            len(plan.held),
            len(plan.unarchived),
        ):
            self.stdout.write(
                "Left alone at the last moment (a hold set or a delivery pending since the "
                f"plan was made): {run.skipped_hold - len(plan.held)} held, "
                f"{run.skipped_unarchived - len(plan.unarchived)} waiting."
            )
        self.stdout.write(f"Recorded as run {run.pk}.")
