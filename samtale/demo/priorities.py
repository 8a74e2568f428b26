"""The workplace's goals for the demo: the municipality's own for this year, the school's and
Barnetrinnet's (Ola Berg's unit), each serving one of the municipality's, so Kari Nilsen's
conversation shows Barnetrinnet's goals in the theme the leader fills in. Last year's too,
for *Kopier fjorårets mål*. Loading twice changes nothing."""

from django.utils import timezone

from samtale.actions.models import Goal
from samtale.demo import org as org_demo
from samtale.org.models import Unit
from samtale.priorities import services
from samtale.priorities.models import Priority

ORGANIZATION = [
    ("Nærvær og et godt arbeidsmiljø", ""),
    ("Tjenester som er digitale først", ""),
    ("Kompetanse for framtidens oppgaver", ""),
]
# unit code: (kind, title, description, the organization's goal it serves)
UNITS = {
    "4200": [
        ("goal", "Alle elever opplever et trygt og godt skolemiljø", "", 0),
        (
            "focus",
            "Vurdering for læring",
            "Felles praksis for underveisvurdering på alle trinn.",
            2,
        ),
    ],
    "4210": [
        (
            "goal",
            "Grunnleggende lesing og regning for alle innen 4. trinn",
            "Tidlig innsats: kartlegging i august og januar, tiltak innen to uker.",
            2,
        ),
        ("goal", "Færre vikartimer uten plan", "Overlapp dagen før når en kollega er borte.", 0),
        ("focus", "Digitale læremidler i alle klasserom", "", 1),
    ],
}


def _served(year: int) -> int:
    """Ola Berg's signed conversations of the year say which of Barnetrinnet's goals their
    agreed goals served, as the meeting's choice would have (the demo's conversations are
    signed before the goals exist): each agreed goal in turn, so the follow-up per unit
    goal has figures."""
    goals = list(Priority.objects.filter(year=year, unit__code="4210").order_by("order"))
    agreed = Goal.objects.filter(
        conversation__leader__employee_number="10002",
        conversation__leader__email__endswith=f"@{org_demo.domain()}",
        conversation__status="signed",
        conversation__held_at__year=year,
    ).order_by("pk")
    served = 0
    for n, goal in enumerate(agreed):
        Goal.objects.filter(pk=goal.pk).update(serves=goals[n % len(goals)])
        served += 1
    return served


def load() -> int:
    """Adds the goals unless the year has some; returns how many were added."""
    year = timezone.localdate().year
    if Priority.objects.filter(year=year).exists():
        return 0
    hr = org_demo.person("30003")
    added = 0
    for when in (year - 1, year):
        mine = [
            services.priority_add(actor=hr, year=when, unit=None, title=title, description=text)
            for title, text in ORGANIZATION
        ]
        added += len(mine)
        for code, goals in UNITS.items():
            unit = Unit.objects.get(code=code)
            for kind, title, text, serves in goals:
                services.priority_add(
                    actor=hr,
                    year=when,
                    unit=unit,
                    kind=kind,
                    title=title,
                    description=text,
                    parent=mine[serves],
                )
                added += 1
    _served(year - 1)
    _served(year)
    return added
