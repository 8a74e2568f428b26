"""Print the MIME tree of a calendar invitation as an SMTP server receives it.

    .venv/bin/python scripts/invitation_mime_tree.py [--raw]

Plans a conversation on an in-memory SQLite database (the tests' people), invites the
employee through the same services and outbox as the app, sends it to a real SMTP server
on loopback (aiosmtpd, a development dependency) and prints what that server received:
the From header, the tree of parts with their Content-Type and disposition, and the
calendar's METHOD, ORGANIZER and ATTENDEEs. --raw prints the whole message as well.
"""

import argparse
import logging
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

import django  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", action="store_true", help="print the whole message too")
    args = parser.parse_args()

    django.setup()
    logging.disable(logging.INFO)  # the worker's line per task
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone

    from samtale.conversations.services import lifecycle
    from samtale.guides.builtin import builtin_ensure
    from samtale.guides.models import Guide, GuideVersion
    from testkit.mail import calendar_of, mime_tree, smtp_server
    from testkit.people import make_people

    call_command("migrate", verbosity=0)
    people = make_people()
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    version = Guide.objects.get(key="skjema-8-tema").versions.order_by("-number").first()
    with smtp_server() as (inbox, mailers), override_settings(MAILERS=mailers):
        conversation = lifecycle.conversation_plan(
            actor=people.leader,
            employee=people.employee,
            leader=people.leader,
            guide_version=version,
            scheduled_at=timezone.now().replace(second=0, microsecond=0) + timedelta(days=10),
            place="Møterom 2",
        )
        # Autocommit: the outbox hands the message to the (immediate) worker at once.
        lifecycle.conversation_invite(actor=people.leader, conversation=conversation)
    [invitation] = inbox.to(people.employee.email)
    method, _calendar, event = calendar_of(invitation)
    print(f"From: {invitation['From']}")
    print(f"To: {invitation['To']}")
    print()
    print(mime_tree(invitation))
    print()
    print(f"METHOD:{method}  UID:{event['UID']}  SEQUENCE:{event['SEQUENCE']}")
    print(f"ORGANIZER;CN={event['ORGANIZER'].params['CN']}:{event['ORGANIZER']}")
    for attendee in event["ATTENDEE"]:
        params = ";".join(f"{k}={v}" for k, v in attendee.params.items())
        print(f"ATTENDEE;{params}:{attendee}")
    if args.raw:
        print()
        print(invitation.as_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
