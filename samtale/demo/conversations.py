"""Demo conversations for Fjordvik kommune: two past years signed, and this year's round
in every status, with notes, summaries, goals and actions.

Written straight to the models, because history cannot be planned in the past through
the services. Loaded once: a second run finds the conversations and changes nothing.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Value, When
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.archive.models import Delivery, SignedForm
from samtale.archive.services import RETRY_MINUTES, signed_form_record
from samtale.conversations.models import (
    Conversation,
    Feedback,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
    StatusChange,
    SummaryRevision,
)
from samtale.demo.org import DOMAIN
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.guides.selectors import current_version
from samtale.org.models import Person

S = Conversation.Status
OLA = "10002"  # the demo leader

NOTES = {
    "motivasjon": [
        "Jeg trives godt med oppgavene, særlig samarbeidet med elevene. Det tapper energi når vi får mange nye rapporteringskrav.",
        "Oppgavene er varierte. Jeg ønsker mer tid til faglig fordypning.",
        "Motivasjonen er god, men travle perioder gjør at jeg ikke rekker å gjøre ting grundig.",
    ],
    "kompetanseutvikling": [
        "Jeg vil gjerne ta videreutdanning i spesialpedagogikk.",
        "Trenger opplæring i det nye fagsystemet før våren.",
        "Ønsker å hospitere hos en kollega på en annen avdeling.",
    ],
    "rolleklarhet": [
        "Det er uklart hvem som har ansvaret for oppfølgingen av vikarene.",
        "Rollen min er tydelig, men forventningene til møtedeltakelse kan avklares.",
    ],
    "delekultur": [
        "Vi deler mye i teamet, men lite på tvers av trinnene.",
        "Jeg bidrar gjerne med opplegg jeg har laget.",
    ],
    "ledelse": [
        "Jeg får god støtte når jeg spør, men ønsker litt oftere tilbakemelding.",
        "Leder kjenner godt til oppgavene mine.",
    ],
    "arbeidsplassens-mal": [
        "Skolens satsing dette året er lesing på alle trinn og et trygt skolemiljø.",
    ],
    "styrker": ["Strukturert og god til å se hver enkelt.", "Løsningsorientert i travle perioder."],
    "siden-sist": ["Prosjektet kom godt i gang. Det var krevende å få tid til planleggingen."],
}

GOALS = [
    ("Bli trygg i det nye fagsystemet", "Delta på kurs i fagsystemet", "employee"),
    ("Styrke lesingen på trinnet", "Lage felles leseplan med teamet", "both"),
    ("Bedre oppfølging av nye vikarer", "Lage en sjekkliste for vikarer", "leader"),
    ("Faglig fordypning i spesialpedagogikk", "Søke videreutdanning innen fristen", "employee"),
    ("Mer deling på tvers av trinnene", "Sette av tid i fellesmøtet til deling", "leader"),
]

# Each of GOALS in other words, so that a leader's list of actions does not repeat four
# titles: picked by who and when (not from the demo's random draws, which stay as they were).
WORDINGS = [
    [
        ("Bli trygg i det nye fagsystemet", "Delta på kurs i fagsystemet"),
        ("Bruke fagsystemet til vurdering", "Sette opp vurderingsmalene i fagsystemet"),
        ("Mindre tid på rapportering", "Lage maler for de faste rapportene"),
        ("Bedre struktur i planleggingen", "Lage årsplan for faget i fagsystemet"),
    ],
    [
        ("Styrke lesingen på trinnet", "Lage felles leseplan med teamet"),
        ("Tilpasset opplæring i lesing", "Kartlegge leseferdigheter i høst"),
        ("Lesing i alle fag", "Prøve ut lesestrategier i naturfag"),
        ("Et trygt skolemiljø", "Lage klasseregler sammen med elevene"),
    ],
    [
        ("Bedre oppfølging av nye vikarer", "Lage en sjekkliste for vikarer"),
        ("Tydeligere ansvar for vikarene", "Avklare hvem som følger opp vikarene"),
        ("Godt mottak av nyansatte", "Være fadder for en nyansatt"),
        ("Færre avlyste timer", "Lage plan for bruk av vikar ved fravær"),
    ],
    [
        ("Faglig fordypning i spesialpedagogikk", "Søke videreutdanning innen fristen"),
        ("Kompetanse i veiledning", "Ta modulen i veiledning av nyutdannede"),
        ("Mer digital kompetanse", "Fullføre kurset i digitale verktøy"),
        ("Lære mer om vurdering for læring", "Hospitere hos en kollega på mellomtrinnet"),
    ],
    [
        ("Mer deling på tvers av trinnene", "Sette av tid i fellesmøtet til deling"),
        ("Dele gode undervisningsopplegg", "Legge tre opplegg i den felles mappen"),
        ("Bedre samarbeid med hjemmet", "Prøve ut ukentlig melding til foreldrene"),
        ("Sunnere arbeidsmengde", "Gå gjennom møteplanen med leder"),
    ],
]

SUMMARIES = [
    "Vi snakket om motivasjon og arbeidsmengde. Medarbeideren trives, men opplever periodevis for mye "
    "rapportering. Vi ble enige om tiltak for kompetanse og deling.",
    "Samtalen handlet mest om faglig utvikling og samarbeid i teamet. Begge er fornøyde med "
    "oppfølgingen siden sist.",
]


def _workday(day: date, step: int) -> date:
    """The `step`-th working day after (step > 0) or before (step < 0) `day`."""
    direction = 1 if step > 0 else -1
    for _ in range(abs(step)):
        day += timedelta(days=direction)
        while day.weekday() >= 5:
            day += timedelta(days=direction)
    return day


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _history(
    conversation: Conversation, steps: list[tuple[str, datetime, str]], actor: Person
) -> None:
    # One INSERT, then one UPDATE for the times (`at` is set on insert, as for a real change):
    # the demo is loaded before every browser test, where each statement costs a round trip.
    changes = StatusChange.objects.bulk_create(
        StatusChange(
            conversation=conversation,
            from_status=previous,
            to_status=status,
            reason=reason,
            actor=actor,
        )
        for previous, (status, _when, reason) in zip(
            ["", *(step[0] for step in steps)], steps, strict=False
        )
    )
    StatusChange.objects.filter(pk__in=[c.pk for c in changes]).update(
        at=Case(
            *(When(pk=c.pk, then=Value(at)) for c, (_s, at, _r) in zip(changes, steps, strict=True))
        )
    )


def _notes(
    conversation: Conversation,
    author: Person,
    rng: random.Random,
    *,
    shared_at,
    keys,
    private=(),
) -> None:
    """Notes on some of `keys`, shared at `shared_at` (None: private), except those on the
    themes in `private`. The preparation's shared_at marks the Likert answers shared."""
    preparation = Preparation.objects.create(
        conversation=conversation, author=author, shared_at=shared_at
    )
    Note.objects.bulk_create(
        Note(
            preparation=preparation,
            theme_key=key,
            text=rng.choice(NOTES[key]),
            version=1,
            shared_at=None if key in private else shared_at,
        )
        for key in keys
        if key in NOTES and rng.random() < 0.8
    )


def _goals(
    conversation: Conversation, rng: random.Random, *, statuses: list[str], deadline_base: date
) -> None:
    for order, (goal_text, action_text, responsible) in enumerate(rng.sample(GOALS, 2), start=1):
        goal_text, action_text = _worded(conversation, goal_text, action_text)
        goal = Goal.objects.create(conversation=conversation, order=order, text=goal_text)
        Action.objects.create(
            goal=goal,
            order=1,
            employee_id=conversation.employee_id,
            leader_id=conversation.leader_id,
            followed=conversation.status == S.SIGNED,
            text=action_text,
            responsible=responsible,
            deadline=deadline_base + timedelta(days=rng.randint(30, 200)),
            status=rng.choice(statuses),
        )


def _worded(conversation: Conversation, goal_text: str, action_text: str) -> tuple[str, str]:
    """One of the goal's wordings (WORDINGS), by the employee and the conversation's time."""
    index = next(i for i, (goal, *_rest) in enumerate(GOALS) if goal == goal_text)
    when = conversation.scheduled_at or conversation.created_at
    key = f"{conversation.employee.employee_number}:{when:%Y-%m-%d}:{goal_text}"
    wordings = WORDINGS[index]
    return wordings[sum(key.encode()) % len(wordings)]


def _conversation(employee, leader, version, when: datetime, status: str, **extra) -> Conversation:
    conversation = Conversation.objects.create(
        employee=employee,
        leader=leader,
        guide_version=version,
        kind=version.kind,
        summary_author=version.summary_author,
        duration_minutes=version.duration_minutes,
        scheduled_at=when,
        place=extra.pop("place", "Møterom 2"),
        status=status,
        created_by=leader,
        **extra,
    )
    return conversation


# How each demo leader rates goal results (the rating habits page): one rates everything
# achieved, one is strict; the others rate as it went.
HABITS = {
    "10002": ["achieved", "achieved", "partly", "partly", "not_achieved"],
    "10003": ["achieved"],
    "20002": ["not_achieved", "not_achieved", "partly"],
    "20003": ["achieved", "partly", "partly", "not_achieved"],
}
# How each leader comes out in the statements about them (added to a 2–4 answer).
LEADER_LEAN = {"10002": 1, "10003": 0, "20002": 0, "20003": 1}


def _answers(c: Conversation, version, rng: random.Random) -> None:
    """The employee's answers to the statements; those about the leader kept apart."""
    about_leader = version.leadership_keys()
    lean = LEADER_LEAN.get(c.leader.employee_number, 0)
    leadership, likert = [], []
    for statement in version.statements():
        if statement["key"] in about_leader:
            leadership.append(
                LeadershipAnswer(
                    conversation=c, statement_key=statement["key"], value=rng.randint(2, 4) + lean
                )
            )
        else:
            likert.append(
                LikertAnswer(
                    conversation=c, statement_key=statement["key"], value=rng.randint(2, 5)
                )
            )
    LeadershipAnswer.objects.bulk_create(leadership)
    LikertAnswer.objects.bulk_create(likert)


def _rate(c: Conversation, leader) -> None:
    """The goals' results, as this leader tends to rate them (drawn apart from the demo's
    other random choices, which stay as they were)."""
    rng = random.Random(c.pk)
    habit = HABITS.get(leader.employee_number, ["achieved", "partly"])
    for goal in c.goals.all():
        goal.result = rng.choice(habit)
        goal.reviewed_at = c.signed_at + timedelta(days=200)
        goal.save(update_fields=["result", "reviewed_at"])


def _archived(revision, *, signed: datetime) -> None:
    """The signed form of a demo conversation: the employee was told back then, and the
    archive registered forms older than two months; the newer ones wait in its queue. The
    worker makes their PDFs on its periodic round (archive.jobs.deliver_waiting)."""
    form = signed_form_record(revision=revision, render=False)
    SignedForm.objects.filter(pk=form.pk).update(employee_told_at=signed)
    if signed < timezone.now() - timedelta(days=60):
        form.deliveries.update(
            status=Delivery.Status.DELIVERED, delivered_at=signed + timedelta(days=2)
        )


def _signed(
    employee,
    leader,
    version,
    when: datetime,
    rng,
    *,
    statuses,
    goals=True,
    feedback=True,
    rated=False,
):
    themes = [t["key"] for t in version.themes]
    c = _conversation(
        employee,
        leader,
        version,
        when,
        S.SIGNED,
        held_at=when + timedelta(hours=1),
        signed_at=when + timedelta(days=5),
        covered_themes=themes,
        closing_steps=[1, 2, 3],
        talk_leader_seconds=rng.randint(1300, 2000),
        talk_employee_seconds=rng.randint(3400, 4300),
    )
    _history(
        c,
        [
            (S.PLANNED, when - timedelta(days=30), ""),
            (S.INVITED, when - timedelta(days=14), ""),
            (S.PREPARED, when - timedelta(days=3), ""),
            (S.HELD, when + timedelta(hours=1), ""),
            (S.SUMMARY_AGREED, when + timedelta(days=3), ""),
            (S.SIGNED, when + timedelta(days=5), ""),
        ],
        leader,
    )
    _notes(c, employee, rng, shared_at=when - timedelta(days=3), keys=themes)
    _notes(c, leader, rng, shared_at=when - timedelta(days=2), keys=themes)
    if goals:
        _goals(c, rng, statuses=statuses, deadline_base=when.date())
    _answers(c, version, rng)
    if rated:
        _rate(c, leader)
    snapshot = [
        {
            "goal": g.text,
            "actions": [
                {
                    "text": a.text,
                    "deadline": a.deadline.isoformat() if a.deadline else None,
                    "responsible": a.responsible,
                }
                for a in g.actions.all()
            ],
        }
        for g in c.goals.all()
    ]
    revision = SummaryRevision.objects.create(
        conversation=c,
        text=rng.choice(SUMMARIES),
        version=3,
        conclusion="actions" if goals else "no_actions",
        submitted_at=when + timedelta(days=2),
        approved_at=when + timedelta(days=3),
        employee_signed_at=when + timedelta(days=4),
        leader_signed_at=when + timedelta(days=5),
        agreed_goals=snapshot,
    )
    _archived(revision, signed=when + timedelta(days=5))
    if feedback:
        rated = Feedback.objects.create(conversation=c, rating=rng.choice([3, 4, 4, 5, 5]))
        # Rated the day after signing (the rating counts in that period: insight.publication).
        Feedback.objects.filter(pk=rated.pk).update(at=when + timedelta(days=6))
    return c


def load(*, today: date | None = None) -> int:
    """Create the demo conversations unless they exist. Returns how many were created."""
    if Conversation.objects.filter(employee__email__endswith=f"@{DOMAIN}").exists():
        return 0
    today = today or timezone.localdate()
    # The migration made them; a test database flushed since may not have them.
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    rng = random.Random(2026)
    versions = {g.key: current_version(g) for g in Guide.objects.filter(key__isnull=False)}
    annual, basic, check_in = versions["skjema-8-tema"], versions["grunnmal"], versions["innsjekk"]
    people = {p.employee_number: p for p in Person.objects.filter(email__endswith=f"@{DOMAIN}")}
    leaders = [people[n] for n in ("10002", "10003", "20002", "20003")]
    created = 0

    for leader in leaders:
        reports = list(
            Person.objects.filter(manager=leader, is_active=True).order_by(
                "last_name", "first_name", "pk"
            )
        )
        for index, employee in enumerate(reports):
            # Two past years, both signed; older actions mostly done, last year's under way.
            _signed(
                employee,
                leader,
                annual,
                _at(date(today.year - 2, 10, 7) + timedelta(days=index)),
                rng,
                statuses=["done", "done", "dropped"],
                rated=True,
            )
            _signed(
                employee,
                leader,
                annual if index % 3 else basic,
                _at(date(today.year - 1, 10, 6) + timedelta(days=index)),
                rng,
                statuses=["done", "in_progress", "in_progress", "not_started"],
                rated=True,
            )
            created += 2
            created += _this_year(employee, leader, index, annual, basic, today, rng)

    # A frequent check-in series for one team member, and the demo leader's own conversation.
    kari, ola, ingrid = people["10004"], people["10002"], people["10001"]
    for weeks in (6, 4, 2):
        _signed(
            kari,
            ola,
            check_in,
            _at(today - timedelta(weeks=weeks), 14),
            rng,
            statuses=["done", "in_progress"],
            goals=weeks != 4,
            feedback=False,
        )
        created += 1
    _signed(
        ola, ingrid, annual, _at(date(today.year - 1, 11, 3)), rng, statuses=["done", "in_progress"]
    )
    _alive(kari, ola)
    own = _conversation(
        ola, ingrid, annual, _at(_workday(today + timedelta(days=8), 1), 13), S.INVITED
    )
    _history(
        own,
        [
            (S.PLANNED, _at(today - timedelta(days=20)), ""),
            (S.INVITED, _at(today - timedelta(days=5)), ""),
        ],
        ingrid,
    )
    return created + 2


def _today_later(today: date) -> datetime:
    """Today, at the next whole hour still to come (14:00 once the working day is over)."""
    hour = timezone.localtime().hour + 1
    return _at(today, hour if today == timezone.localdate() and 8 <= hour <= 18 else 14)


def _alive(kari: Person, ola: Person) -> None:
    """What a year of use leaves behind, which a demo made today would not have: actions last
    updated over the past year (some open ones untouched for months, the follow-up's
    pitfall), a reminder Ola sent Kari, and a signed form the archive could not get."""
    now = timezone.now()
    actions = Action.objects.filter(
        employee__email__endswith=f"@{DOMAIN}", followed=True
    ).values_list("pk", "text", "employee__employee_number", "goal__conversation__signed_at")
    updated = {}
    for pk, text, number, signed in actions:
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
            form__conversation__employee__email__endswith=f"@{DOMAIN}",
        )
        .order_by("-form__signed_at", "-pk")
        .first()
    )
    if failed is not None:
        reason = "PDF-en kunne ikke lages: tidsavbrudd etter 60 sekunder"
        SignedForm.objects.filter(pk=failed.form_id).update(render_error=reason)
        Delivery.objects.filter(pk=failed.pk).update(
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


def _this_year(employee, leader, index, annual, basic, today, rng) -> int:
    kari = employee.employee_number == "10004"
    state = "invited" if kari else ROUND[index % len(ROUND)]
    # The demo employee prepares on the source form, with its statements about the leader.
    version = annual if index % 3 or kari else basic
    themes = [t["key"] for t in version.themes]
    # One conversation a working day per leader, a week or more ahead (the guide: at most
    # one or two a day); the held ones on working days before.
    ahead = _at(_workday(today + timedelta(days=6), index + 1), 9 + index % 2 * 4)
    past = _at(_workday(today - timedelta(days=9), -(index + 1)), 10)
    planned_at = _at(today - timedelta(days=25))
    if state in ("signed", "signed_no_goals"):
        _signed(
            employee,
            leader,
            version,
            past,
            rng,
            statuses=["not_started", "in_progress"],
            goals=state == "signed",
        )
        return 1
    if state == "planned_no_time":
        c = _conversation(employee, leader, version, None, S.PLANNED, place="")
        _history(c, [(S.PLANNED, planned_at, "")], leader)
        return 1
    if state == "cancelled":
        c = _conversation(employee, leader, version, ahead, S.CANCELLED)
        _history(
            c,
            [
                (S.PLANNED, planned_at, ""),
                (S.CANCELLED, _at(today - timedelta(days=3)), "Foreldrepermisjon fra desember"),
            ],
            leader,
        )
        return 1
    if state == "postponed":
        # Postponing gives up the time: it waits for a new one.
        c = _conversation(
            employee,
            leader,
            version,
            None,
            S.POSTPONED,
            postponed_count=2,
            status_before_postponement=S.INVITED,
        )
        _history(
            c,
            [
                (S.PLANNED, planned_at, ""),
                (S.INVITED, _at(today - timedelta(days=20)), ""),
                (S.POSTPONED, _at(today - timedelta(days=14)), "Sykdom i teamet"),
                (S.INVITED, _at(today - timedelta(days=10)), "Ny tid"),
                (S.POSTPONED, _at(today - timedelta(days=2)), "Kollisjon med foreldremøte"),
            ],
            leader,
        )
        return 1
    if state in ("planned", "invited", "prepared"):
        status = {"planned": S.PLANNED, "invited": S.INVITED, "prepared": S.PREPARED}[state]
        if state == "planned" and leader.employee_number == OLA:
            ahead = _today_later(today)  # the demo leader has a conversation today
        c = _conversation(employee, leader, version, ahead, status)
        steps = [(S.PLANNED, planned_at, "")]
        if status != S.PLANNED:
            steps.append((S.INVITED, _at(today - timedelta(days=6)), ""))
        if status == S.PREPARED:
            steps.append((S.PREPARED, _at(today - timedelta(days=1)), ""))
        _history(c, steps, leader)
        # The employee has started; each note a private draft until they share it. Prepared:
        # they have shared two and kept the third to themselves.
        _notes(
            c,
            employee,
            rng,
            shared_at=_at(today - timedelta(days=1)) if status == S.PREPARED else None,
            keys=themes[:3],
            private=themes[2:3],
        )
        if status == S.PREPARED:
            _answers(c, version, rng)
        return 1
    # held, summary_agreed: the meeting is over, the summary under way.
    talk_leader = 2700 if state == "held" else 1500  # one leader who talked too much
    c = _conversation(
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
    _history(c, steps, leader)
    _notes(c, employee, rng, shared_at=past - timedelta(days=2), keys=themes)
    _notes(c, leader, rng, shared_at=past - timedelta(days=1), keys=themes)
    _goals(c, rng, statuses=["not_started"], deadline_base=today)
    SummaryRevision.objects.create(
        conversation=c,
        text=rng.choice(SUMMARIES),
        version=2,
        conclusion="actions",
        submitted_at=past + timedelta(days=2) if state == "summary_agreed" else None,
        approved_at=past + timedelta(days=3) if state == "summary_agreed" else None,
        employee_signed_at=past + timedelta(days=4) if state == "summary_agreed" else None,
    )
    return 1
