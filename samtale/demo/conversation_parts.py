"""What a demo conversation is written from: the texts its notes, goals and summaries
draw on, its status history, notes, goals, answers, and the signed summary with its form.

Written straight to the models (samtale.demo.conversations says why), with the demo's
one random draw passed along, so that each load makes the same choices in the same order.
"""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Value, When
from django.utils import timezone

from samtale.actions.models import Action, Goal
from samtale.archive.models import Delivery, SignedForm
from samtale.archive.services import signed_form_record
from samtale.conversations.models import (
    ActionStatus,
    Conversation,
    Feedback,
    LeadershipAnswer,
    LikertAnswer,
    Note,
    Preparation,
    StatusChange,
    SummaryRevision,
)
from samtale.org.models import Person

S = Conversation.Status

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


def workday(day: date, step: int) -> date:
    """The `step`-th working day after (step > 0) or before (step < 0) `day`."""
    direction = 1 if step > 0 else -1
    for _ in range(abs(step)):
        day += timedelta(days=direction)
        while day.weekday() >= 5:
            day += timedelta(days=direction)
    return day


def at_hour(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def history_write(
    conversation: Conversation, steps: Sequence[tuple[str, datetime, str]], actor: Person
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


def notes_write(
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


def goals_write(
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


def conversation_create(
    employee, leader, version, when: datetime | None, status: str, **extra
) -> Conversation:
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


def answers_write(c: Conversation, version, rng: random.Random) -> None:
    """The employee's answers to the statements; those about the leader kept apart."""
    about_leader = version.leadership_keys()
    lean = LEADER_LEAN.get(c.leader.employee_number or "", 0)
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
        assert c.signed_at is not None  # the goals of signed conversations
        goal.reviewed_at = c.signed_at + timedelta(days=200)
        goal.save(update_fields=["result", "reviewed_at"])
        if goal.result == Goal.Result.ACHIEVED:
            # A goal reached has its actions done (or dropped) by the time it is rated: not
            # "Achieved" beside an action "Not started · Overdue".
            open_ = [ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS]
            goal.actions.filter(status__in=open_).update(status=ActionStatus.DONE)


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


def signed_create(
    employee,
    leader,
    version,
    when: datetime,
    rng,
    *,
    statuses,
    goals: bool = True,
    feedback: bool = True,
    rated: bool = False,
):
    """A conversation held at `when` and signed five days later, with its history, both
    sides' shared notes, its goals (unless not `goals`), the employee's answers, the signed
    summary and form, and the employee's rating (unless not `feedback`)."""
    themes = [t["key"] for t in version.themes]
    c = conversation_create(
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
    history_write(
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
    notes_write(c, employee, rng, shared_at=when - timedelta(days=3), keys=themes)
    notes_write(c, leader, rng, shared_at=when - timedelta(days=2), keys=themes)
    if goals:
        goals_write(c, rng, statuses=statuses, deadline_base=when.date())
    answers_write(c, version, rng)
    if rated:
        _rate(c, leader)
    _signed_summary(c, when, rng, goals=goals)
    if feedback:
        given = Feedback.objects.create(conversation=c, rating=rng.choice([3, 4, 4, 5, 5]))
        # Rated the day after signing (the rating counts in that period: insight.publication).
        Feedback.objects.filter(pk=given.pk).update(at=when + timedelta(days=6))
    return c


def _signed_summary(c: Conversation, when: datetime, rng, *, goals: bool) -> None:
    """The summary both signed, with the goals they agreed as the form shows them, and the
    signed form made from it."""
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
