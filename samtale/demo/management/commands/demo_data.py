import os

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from samtale.demo import competence as competence_demo
from samtale.demo import conversations as conversations_demo
from samtale.demo import handover as handover_demo
from samtale.demo import needs as needs_demo
from samtale.demo import org as org_demo
from samtale.demo import other_times as other_times_demo
from samtale.demo import priorities as priorities_demo
from samtale.demo import rounds as rounds_demo
from samtale.insight.publication import publish
from samtale.tenancy.commands import TenantCommand

ROLE_NAMES = [
    ("employee", "Medarbeider"),
    ("leader", "Leder"),
    ("leaders_leader", "Leders leder"),
    ("hr", "HR"),
    ("admin", "Administrator"),
    ("archive", "Arkiv"),
    ("union", "Tillitsvalgt"),
]


def login_lines(logins: dict, password: str) -> list[str]:
    """The demo logins as `make run` shows them: role, e-mail, name, and the password."""
    width = max(len(label) for _, label in ROLE_NAMES)
    lines = ["Demo-innlogginger (alle med passordet i SAMTALE_DEMO_PASSWORD):"]
    for role, label in ROLE_NAMES:
        if role in logins:
            person = logins[role]
            lines.append(f"  {label:<{width}}  {person.email:<36}  {person.full_name}")
    lines.append(f"  Passord{' ' * (width - 7)}  {password}")
    return lines


class Command(TenantCommand):
    # One tenant's data, from one file or into one: never every tenant's at once.
    allows_every_tenant = False
    help = "Load the demo organization (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load demo data even with DEBUG off. Never on a production database.",
        )
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Leave out the logins: `make run` prints them last (run_banner), in sight.",
        )

        parser.add_argument(
            "--organization",
            choices=sorted(org_demo.PROFILES),
            default="fjordvik",
            help="Which demo organization: Fjordvik (the default) or Nordvik, a smaller one.",
        )

    def handle(self, *args, force=False, no_logins=False, organization="fjordvik", **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo data gives many accounts one shared password; it loads only with DEBUG=true "
                "(or --force on a database that is not production)."
            )
        password = os.environ.get("SAMTALE_DEMO_PASSWORD", "")
        if len(password) < 10:
            raise CommandError(
                "Set SAMTALE_DEMO_PASSWORD to the demo users' shared password (at least 10 characters)."
            )
        org_demo.use(organization)
        with transaction.atomic():
            logins = org_demo.load(password=password)
            created = conversations_demo.load()
            in_round = rounds_demo.load()
            # After the round: its holder and conversation follow the change, as they would.
            moved = handover_demo.load()
            needs = needs_demo.load()
            goals = priorities_demo.load()
            competence = competence_demo.load()
            # Last: every invited person's invitation, and one other time asked for.
            invitations, proposed = other_times_demo.load()
            # The figures from answers of the periods that closed: last year's round, the
            # past years (the worker would publish them within the hour).
            published = publish.publish_due()
            competence_demo.plan()
        if created:
            self.stdout.write(f"Demo-samtaler lagt inn: {created}")
        if in_round:
            self.stdout.write(f"Demo-runde lagt inn med {in_round} deltakere")
        if moved:
            self.stdout.write(f"Ny nærmeste leder for én medarbeider: {moved} samtale flyttet")
        if needs:
            self.stdout.write(f"Felles behov lagt inn: {needs}")
        if goals:
            self.stdout.write(f"Mål og satsingsområder lagt inn: {goals}")
        if competence:
            self.stdout.write(f"Tiltak merket som kompetansebehov: {competence}")
        if published:
            self.stdout.write(f"Tall fra svar publisert for {len(published)} perioder")
        if invitations:
            self.stdout.write(f"Invitasjoner i e-postmappen: {invitations}")
        if proposed:
            self.stdout.write("Et annet tidspunkt foreslått til Ola Berg")
        if not no_logins:
            self.stdout.write("\n".join(login_lines(logins, password)))
