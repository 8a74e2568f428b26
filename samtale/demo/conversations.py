"""Demo conversations for Fjordvik kommune: two past years signed, and this year's round
in every status, with notes, summaries, goals and actions.

Written straight to the models, because history cannot be planned in the past through
the services. Loaded once: a second run finds the conversations and changes nothing. The
parts each conversation is written from are in samtale.demo.conversation_parts.
"""

import random
from datetime import date, datetime, timedelta

from django.db.models import Case, Value, When
from django.utils import timezone

from samtale.actions.models import Action
from samtale.archive.models import Delivery, SignedForm
from samtale.archive.services import RETRY_MINUTES
from samtale.conversations.models import Conversation, SummaryRevision
from samtale.demo import conversation_parts as parts
from samtale.demo import handover as handover_demo
from samtale.demo import org as org_demo
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from samtale.org.models import Person

S = Conversation.Status
OLA = "10002"  # the demo leader


def load(*, today: date | None = None) -> int:
    """Create the demo conversations unless they exist. Returns how many were created."""
    if Conversation.objects.filter(employee__email__endswith=f"@{org_demo.domain()}").exists():
        return 0
    today = today or timezone.localdate()
    # The migration made them; a test database flushed since may not have them.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    rng = random.Random(2026)
    versions = {g.key: current_version(g) for g in Guide.objects.filter(key__isnull=False)}
    annual, basic, check_in = versions["skjema-8-tema"], versions["grunnmal"], versions["innsjekk"]
    people = {
        p.employee_number: p for p in Person.objects.filter(email__endswith=f"@{org_demo.domain()}")
    }
    leaders = [people[n] for n in ("10002", "10003", "20002", "20003")]
    created = 0
    for leader in leaders:
        created += _team(leader, annual, basic, today, rng)
    return created + _kari_and_ola(people, annual, check_in, today, rng)


def _team(leader: Person, annual, basic, today: date, rng: random.Random) -> int:
    """Three conversations with each of the leader's active reports: two past years, both
    signed (older actions mostly done, last year's under way), and this year's. Returns
    how many."""
    # As they were before the demo's change of line manager (demo.handover).
    reports = list(handover_demo.reports_before(leader).order_by("last_name", "first_name", "pk"))
    for index, employee in enumerate(reports):
        parts.signed_create(
            employee,
            leader,
            annual,
            parts.at_hour(date(today.year - 2, 10, 7) + timedelta(days=index)),
            rng,
            statuses=["done", "done", "dropped"],
            rated=True,
        )
        parts.signed_create(
            employee,
            leader,
            annual if index % 3 else basic,
            parts.at_hour(date(today.year - 1, 10, 6) + timedelta(days=index)),
            rng,
            statuses=["done", "in_progress", "in_progress", "not_started"],
            rated=True,
        )
        _this_year(employee, leader, index, annual, basic, today, rng)
    return 3 * len(reports)


def _kari_and_ola(people: dict, annual, check_in, today: date, rng: random.Random) -> int:
    """A frequent check-in series for one team member (Kari), the demo leader's (Ola's) own
    conversations with his leader, last year's signed and this year's invited, and the
    traces of a year of use. Returns how many conversations."""
    kari, ola, ingrid = people["10004"], people["10002"], people["10001"]
    for weeks in (6, 4, 2):
        parts.signed_create(
            kari,
            ola,
            check_in,
            parts.at_hour(today - timedelta(weeks=weeks), 14),
            rng,
            statuses=["done", "in_progress"],
            goals=weeks != 4,
            feedback=False,
        )
    parts.signed_create(
        ola,
        ingrid,
        annual,
        parts.at_hour(date(today.year - 1, 11, 3)),
        rng,
        statuses=["done", "in_progress"],
    )
    _alive(kari, ola)
    own = parts.conversation_create(
        ola,
        ingrid,
        annual,
        parts.at_hour(parts.workday(today + timedelta(days=8), 1), 13),
        S.INVITED,
    )
    parts.history_write(
        own,
        [
            (S.PLANNED, parts.at_hour(today - timedelta(days=20)), ""),
            (S.INVITED, parts.at_hour(today - timedelta(days=5)), ""),
        ],
        ingrid,
    )
    return 5


def _today_later(today: date) -> datetime:
    """Today, at the next whole hour still to come (14:00 once the working day is over)."""
    hour = timezone.localtime().hour + 1
    return parts.at_hour(today, hour if today == timezone.localdate() and 8 <= hour <= 18 else 14)


def _alive(kari: Person, ola: Person) -> None:
    """What a year of use leaves behind, which a demo made today would not have: actions last
    updated over the past year (some open ones untouched for months, the follow-up's
    pitfall), a reminder Ola sent Kari, and a signed form the archive could not get."""
    now = timezone.now()
    actions = Action.objects.filter(
        employee__email__endswith=f"@{org_demo.domain()}", followed=True
    ).values_list("pk", "text", "employee__employee_number", "goal__conversation__signed_at")
    updated = {}
    for pk, text, number, signed in actions:
        if signed is None:  # none: followed actions are of signed conversations
            continue
        span = (now - signed).days
        if span < 2:
            continue
        # Between the signing and yesterday, the same on every load: two in three within the
        # last two months, the rest any time since.
        spread = sum(f"{number}:{text}".encode())
        days = spread % (span - 1 if spread % 3 == 0 else min(span - 1, 60))
        updated[pk] = now - timedelta(days=1 + days)
    Action.objects.filter(pk__in=updated).update(
        updated_at=Case(*(When(pk=pk, then=Value(at)) for pk, at in updated.items()))
    )
    reminded = (
        Action.objects.filter(
            employee=kari,
            leader=ola,
            followed=True,
            status__in=[Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS],
            responsible__in=[Action.Responsible.EMPLOYEE, Action.Responsible.BOTH],
            deadline__lt=timezone.localdate(),
        )
        .order_by("deadline", "pk")
        .first()
    )
    if reminded is not None:
        Action.objects.filter(pk=reminded.pk).update(reminded_at=now - timedelta(days=3))
    # The newest form waiting for the archive: its PDF could not be made at the last tries
    # (the worker tries again after its back-off; the archive staff may at once).
    failed = (
        Delivery.objects.filter(
            status=Delivery.Status.WAITING,
            form__conversation__employee__email__endswith=f"@{org_demo.domain()}",
        )
        .order_by("-form__signed_at", "-pk")
        .first()
    )
    if failed is not None:
        reason = "PDF-en kunne ikke lages: tidsavbrudd etter 60 sekunder"
        SignedForm.objects.filter(pk=failed.form_id).update(render_error=reason)
        # Made at the signing, days ago, as a real one would have been: past
        # SAMTALE_READY_DELIVERY_MINUTES, so its municipality's health says "archive: stuck"
        # on the operators' page from the scheduler's first tick.
        Delivery.objects.filter(pk=failed.pk).update(
            created_at=failed.form.signed_at,
            status=Delivery.Status.FAILED,
            error=reason,
            attempts=len(RETRY_MINUTES) + 1,
            last_attempt_at=now - timedelta(minutes=20),
        )


# This year's round: every status, in a fixed order down each leader's list of reports.
# The demo employee (Kari Nilsen) is always invited, so her login has a conversation to prepare.
ROUND = [
    "invited",
    "planned_no_time",
    "planned",
    "prepared",
    "held",
    "summary_agreed",
    "signed",
    "signed_no_goals",
    "postponed",
    "cancelled",
    "signed",
    "invited",
    "prepared",
]


def _this_year(employee, leader, index, annual, basic, today, rng) -> None:
    """This year's conversation with the leader's `index`-th report, in the status ROUND
    gives that place (the demo employee's: invited)."""
    kari = employee.employee_number == "10004"
    state = "invited" if kari else ROUND[index % len(ROUND)]
    # The demo employee prepares on the source form, with its statements about the leader.
    version = annual if index % 3 or kari else basic
    # One conversation a working day per leader, a week or more ahead (the guide: at most
    # one or two a day); the held ones on working days before.
    ahead = parts.at_hour(parts.workday(today + timedelta(days=6), index + 1), 9 + index % 2 * 4)
    past = parts.at_hour(parts.workday(today - timedelta(days=9), -(index + 1)), 10)
    planned_at = parts.at_hour(today - timedelta(days=25))
    if state in ("signed", "signed_no_goals"):
        parts.signed_create(
            employee,
            leader,
            version,
            past,
            rng,
            statuses=["not_started", "in_progress"],
            goals=state == "signed",
        )
    elif state == "planned_no_time":
        c = parts.conversation_create(employee, leader, version, None, S.PLANNED, place="")
        parts.history_write(c, [(S.PLANNED, planned_at, "")], leader)
    elif state == "cancelled":
        _cancelled(employee, leader, version, ahead, planned_at, today)
    elif state == "postponed":
        _postponed(employee, leader, version, planned_at, today)
    elif state in ("planned", "invited", "prepared"):
        _before_meeting(state, employee, leader, version, ahead, planned_at, today, rng)
    else:
        _after_meeting(state, employee, leader, version, past, planned_at, today, rng)


def _cancelled(employee, leader, version, ahead: datetime, planned_at, today: date) -> None:
    """Planned, then cancelled three days ago, with the reason."""
    c = parts.conversation_create(employee, leader, version, ahead, S.CANCELLED)
    parts.history_write(
        c,
        [
            (S.PLANNED, planned_at, ""),
            (
                S.CANCELLED,
                parts.at_hour(today - timedelta(days=3)),
                "Foreldrepermisjon fra desember",
            ),
        ],
        leader,
    )


def _postponed(employee, leader, version, planned_at, today: date) -> None:
    """Invited and postponed twice: postponing gives up the time, so it waits for a new one."""
    c = parts.conversation_create(
        employee,
        leader,
        version,
        None,
        S.POSTPONED,
        postponed_count=2,
        status_before_postponement=S.INVITED,
    )
    parts.history_write(
        c,
        [
            (S.PLANNED, planned_at, ""),
            (S.INVITED, parts.at_hour(today - timedelta(days=20)), ""),
            (S.POSTPONED, parts.at_hour(today - timedelta(days=14)), "Sykdom i teamet"),
            (S.INVITED, parts.at_hour(today - timedelta(days=10)), "Ny tid"),
            (S.POSTPONED, parts.at_hour(today - timedelta(days=2)), "Kollisjon med foreldremøte"),
        ],
        leader,
    )


def _before_meeting(state, employee, leader, version, ahead, planned_at, today, rng) -> None:
    """Planned, invited or prepared, ahead (the demo leader's planned one today), with the
    employee's preparation begun."""
    themes = [t["key"] for t in version.themes]
    status = {"planned": S.PLANNED, "invited": S.INVITED, "prepared": S.PREPARED}[state]
    if state == "planned" and leader.employee_number == OLA:
        ahead = _today_later(today)  # the demo leader has a conversation today
    c = parts.conversation_create(employee, leader, version, ahead, status)
    steps = [(S.PLANNED, planned_at, "")]
    if status != S.PLANNED:
        steps.append((S.INVITED, parts.at_hour(today - timedelta(days=6)), ""))
    if status == S.PREPARED:
        steps.append((S.PREPARED, parts.at_hour(today - timedelta(days=1)), ""))
    parts.history_write(c, steps, leader)
    # The employee has started; each note a private draft until they share it. Prepared:
    # they have shared two and kept the third to themselves.
    parts.notes_write(
        c,
        employee,
        rng,
        shared_at=parts.at_hour(today - timedelta(days=1)) if status == S.PREPARED else None,
        keys=themes[:3],
        private=themes[2:3],
    )
    if status == S.PREPARED:
        parts.answers_write(c, version, rng)


def _after_meeting(state, employee, leader, version, past, planned_at, today, rng) -> None:
    """Held or summary agreed: the meeting is over, the summary under way."""
    themes = [t["key"] for t in version.themes]
    talk_leader = 2700 if state == "held" else 1500  # one leader who talked too much
    c = parts.conversation_create(
        employee,
        leader,
        version,
        past,
        S.HELD if state == "held" else S.SUMMARY_AGREED,
        held_at=past + timedelta(hours=1),
        covered_themes=themes[:-1],
        closing_steps=[1, 2],
        talk_leader_seconds=talk_leader,
        talk_employee_seconds=2600,
    )
    steps = [
        (S.PLANNED, planned_at, ""),
        (S.INVITED, past - timedelta(days=14), ""),
        (S.PREPARED, past - timedelta(days=2), ""),
        (S.HELD, past + timedelta(hours=1), ""),
    ]
    if state == "summary_agreed":
        steps.append((S.SUMMARY_AGREED, past + timedelta(days=3), ""))
    parts.history_write(c, steps, leader)
    parts.notes_write(c, employee, rng, shared_at=past - timedelta(days=2), keys=themes)
    parts.notes_write(c, leader, rng, shared_at=past - timedelta(days=1), keys=themes)
    parts.goals_write(c, rng, statuses=["not_started"], deadline_base=today)
    SummaryRevision.objects.create(
        conversation=c,
        text=rng.choice(parts.SUMMARIES),
        version=2,
        conclusion="actions",
        submitted_at=past + timedelta(days=2) if state == "summary_agreed" else None,
        approved_at=past + timedelta(days=3) if state == "summary_agreed" else None,
        employee_signed_at=past + timedelta(days=4) if state == "summary_agreed" else None,
    )
