"""A round in progress for the demo: this year's conversations at Fjordvik skole.

The conversations demo has planned this year's conversations in every status; the
round gathers them, as if it had planned them: the permanent employees take part,
the temporary ones who have a conversation are added, the rektor (who has no
leader in the demo) is removed with a reason. The two department leaders, Ola Berg
and Silje Moen, hold their departments' conversations, and each has given times on
working days next week and the week after, so the assistant has a proposal for those
still without a time. Halfway through its period, Ola Berg and the rektor are behind
(rounds.progress). Loaded once: a second run finds the round and changes nothing.
"""

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.core import holidays
from samtale.demo import org as org_demo
from samtale.guides.models import Guide
from samtale.org.models import Person, Unit
from samtale.rounds import services
from samtale.rounds.models import Participant, Round, Window

# (leader's employee number, which working day from a week and a day ahead, from, to,
# place): never a weekend or public holiday, which the round refuses (core.holidays).
WINDOWS = [
    ("10002", 0, time(9, 0), time(15, 0), "Møterom 2, {place} skole"),
    ("10002", 2, time(12, 0), time(16, 0), "Møterom 2, {place} skole"),
    ("10003", 1, time(8, 30), time(14, 30), "https://meet.{domain}/silje-moen"),
]
# The round is halfway through its period, and Ola Berg has held fewer of his conversations
# than that (progress.py): the round's page shows a leader and a unit behind to remind.
DAYS_GONE, DAYS_LEFT = 60, 60


def _working_days(start: date):
    day = start
    while True:
        day = holidays.working_day(day)
        yield day
        day += timedelta(days=1)


def _at(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _gather(round: Round, *, since: datetime, until: datetime | None = None) -> None:
    """The participants' annual conversations in the period become the round's."""
    for participant in round.participants.filter(included=True).select_related("holder"):
        conversations = Conversation.objects.filter(
            employee_id=participant.person_id,
            leader_id=participant.holder_id,
            kind=Conversation.Kind.ANNUAL,
        ).exclude(scheduled_at__lt=since)  # one waiting for a new time has none
        if until is not None:
            conversations = conversations.filter(scheduled_at__lt=until)
        conversation = conversations.order_by("-pk").first()
        if conversation is not None:
            Conversation.objects.filter(pk=conversation.pk).update(round=round)
            Participant.objects.filter(pk=participant.pk).update(conversation=conversation)


def _last_year(hr: Person, today: date) -> None:
    """Last year's round at the school, closed in December: closing it published the
    feedback on leadership (insight.leadership) from the answers in its conversations, and
    its figures from answers (insight.publication, when the demo is loaded)."""
    year = today.year - 1
    round = services.round_create(
        actor=hr,
        name=f"Medarbeidersamtaler {year}",
        period_start=today,
        period_end=today + timedelta(days=30),
        kind=Round.Kind.ANNUAL,
        guide=Guide.objects.get(key="skjema-8-tema"),
        units=[Unit.objects.get(code="4200")],
    )
    # A round is made for a period ahead; this one is put back where it was. Made with
    # today's period, it took in this year's conversations (services.participants_link):
    # they are this year's round's.
    Round.objects.filter(pk=round.pk).update(
        period_start=date(year, 9, 1), period_end=date(year, 12, 15)
    )
    Conversation.objects.filter(round=round).update(round=None)
    round.participants.update(conversation=None)
    _gather(
        round,
        since=_at(date(year, 9, 1), time.min),
        until=_at(date(year, 12, 16), time.min),
    )
    services.round_set_open(actor=hr, round=round, open=False)
    # Closed when its period ended, as it would have been: before the year ended, so its
    # figures were published first and the year's beside them (insight.publication).
    Round.objects.filter(pk=round.pk).update(closed_at=_at(date(year, 12, 16), time(16, 0)))


def load(*, today: date | None = None) -> int:
    """Create the demo round unless it exists. Returns how many participants it has."""
    today = today or timezone.localdate()
    name = f"Medarbeidersamtaler {today.year}"
    people = {
        p.employee_number: p for p in Person.objects.filter(email__endswith=f"@{org_demo.domain()}")
    }
    hr = people["30003"]
    if Round.objects.filter(name=name, created_by=hr).exists():
        return 0
    _last_year(hr, today)
    round = services.round_create(
        actor=hr,
        name=name,
        period_start=today - timedelta(days=DAYS_GONE),
        period_end=today + timedelta(days=DAYS_LEFT),
        kind=Round.Kind.ANNUAL,
        guide=Guide.objects.get(key="skjema-8-tema"),
        units=[Unit.objects.get(code="4200")],
    )
    # Temporary employees with a conversation this year are taken in by hand.
    school = Unit.objects.filter(code__startswith="42").values("pk")
    temporary = Person.objects.filter(
        unit__in=school, is_active=True, employment_type=Person.EmploymentType.TEMPORARY
    )
    for person in temporary.order_by("pk"):
        services.participant_add(actor=hr, round=round, person=person)
    rektor = Participant.objects.get(round=round, person=people["10001"])
    services.participant_remove(
        actor=hr, participant=rektor, reason="Har medarbeidersamtale med kommunalsjefen."
    )

    # This year's conversations become the round's.
    _gather(round, since=_at(today - timedelta(days=40), time.min))

    days = list(itertools.islice(_working_days(today + timedelta(days=8)), len(WINDOWS)))
    for number, nth, start, end, place in WINDOWS:
        day = days[nth]
        Window.objects.create(
            round=round,
            leader=people[number],
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            place=place.format(place=org_demo.profile().place, domain=org_demo.domain()),
        )
    return round.participants.count()
