"""What the page benchmark (bench/pages.py) signs in to on the benchmark database (manage.py
bench_data), made through the services as people would: an HR adviser, an administrator,
one of the bench leader's reports and the leader's own leader (all with BENCH_PASSWORD),
this year's round over the whole organization, and the leader's reports' conversations
this year in every state.
"""

import time
from datetime import datetime, timedelta
from datetime import time as clock

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from samtale.actions import agreement
from samtale.conversations.models import Conversation
from samtale.conversations.services import lifecycle, preparation, summary
from samtale.guides.models import Guide
from samtale.guides.selectors import current_version
from samtale.org.models import Person, Unit
from samtale.rounds import services as rounds
from samtale.signing import services as signing

BENCH_LEADER_EMAIL = "bench.leader@bench.example"
# Who bench/pages.py signs in as, by role.
BENCH_LOGINS = {
    "employee": "bench.employee@bench.example",
    "leader": BENCH_LEADER_EMAIL,
    "leaders_leader": "bench.manager@bench.example",
    "hr": "bench.hr@bench.example",
    "admin": "bench.admin@bench.example",
}
BENCH_PASSWORD = "bench-password-not-for-production"


def this_year(write) -> None:
    """Sign-ins for every role, this year's round, and the bench leader's reports'
    conversations in every state, made through the services as people would."""
    started = time.monotonic()
    hashed = make_password(BENCH_PASSWORD)
    leader = Person.objects.get(email=BENCH_LEADER_EMAIL)
    top_unit = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    with transaction.atomic():
        for role, flag in (("hr", "is_hr"), ("admin", "is_org_admin")):
            Person.objects.create(
                email=BENCH_LOGINS[role],
                first_name="HR" if role == "hr" else "Admin",
                last_name="Benk",
                employee_number=f"9{len(role)}{role[:2]}",
                unit=top_unit,
                job_title="HR-rådgiver" if role == "hr" else "Systemforvalter",
                password=hashed,
                **{flag: True},
            )
        reports = list(leader.reports.order_by("pk"))
        employee = reports[0]
        Person.objects.filter(pk=employee.pk).update(
            email=BENCH_LOGINS["employee"], password=hashed
        )
        Person.objects.filter(pk=leader.manager_id or 0).update(
            email=BENCH_LOGINS["leaders_leader"], password=hashed
        )
    hr = Person.objects.get(email=BENCH_LOGINS["hr"])
    today = timezone.localdate()
    round_ = rounds.round_create(
        actor=hr,
        name=f"Medarbeidersamtaler {today.year}",
        period_start=today,
        period_end=today + timedelta(days=120),
        kind="annual",
        guide=Guide.objects.get(key="skjema-8-tema"),
        units=list(Unit.objects.filter(parent__isnull=True)),
    )
    write(f"round: {round_.participants.count()} participants")
    version = current_version(Guide.objects.get(key="skjema-8-tema"))
    leader = Person.objects.get(pk=leader.pk)
    for n, person in enumerate(Person.objects.filter(manager=leader).order_by("pk")[:16]):
        _conversation(leader, person, version, round_, stage=n % 4, day=n)
    write(f"this year's round and conversations in {time.monotonic() - started:.0f} s")


def _conversation(leader, employee, version, round_, *, stage, day) -> None:
    """Stage 0: invited and prepared; 1: held, summary drafted; 2: summary sent for
    review; 3: signed, with a goal and an action."""
    c = lifecycle.conversation_plan(
        actor=leader,
        employee=employee,
        leader=leader,
        guide_version=version,
        scheduled_at=timezone.make_aware(
            datetime.combine(timezone.localdate() + timedelta(days=day + 1), clock(9))
        ),
        place="Møterom 1",
        round=round_,
        confirmed=True,
    )
    lifecycle.conversation_invite(actor=leader, conversation=c)
    theme = version.themes[0]["key"]
    preparation.note_save(
        actor=employee, conversation=c, theme_key=theme, text="Forberedelse", base_version=0
    )
    preparation.preparation_share_all(actor=employee, conversation=_fresh(c))
    if stage == 0:
        return
    agreement.goal_add(
        actor=leader,
        conversation=_fresh(c),
        text="Mål for året",
        action_text="Første tiltak",
        deadline=timezone.localdate() + timedelta(days=30),
        responsible="both",
    )
    lifecycle.conversation_hold(actor=leader, conversation=_fresh(c), confirmed=True)
    current = summary.summary_current(_fresh(c))
    assert current is not None
    summary.summary_save(
        actor=employee,
        conversation=_fresh(c),
        text="Oppsummering",
        base_version=current.version,
    )
    if stage == 1:
        return
    summary.summary_conclusion_set(
        actor=employee, conversation=_fresh(c), conclusion="actions", shared_outside=""
    )
    summary.summary_submit(actor=employee, conversation=_fresh(c))
    if stage == 2:
        return
    summary.summary_approve(actor=leader, conversation=_fresh(c))
    signing.conversation_sign(actor=employee, conversation=_fresh(c))
    signing.conversation_sign(actor=leader, conversation=_fresh(c))


def _fresh(c: Conversation) -> Conversation:
    return Conversation.objects.select_related("employee", "leader", "guide_version").get(pk=c.pk)
