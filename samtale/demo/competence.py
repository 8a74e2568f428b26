"""The competence needs of the demo: the agreed actions that are a course, training, further
education or guidance say so, with a cost where one is known, as the meeting would have
marked them; and Fjordvik skole's plan for last year, kept by its head Ingrid Haugen, with a
line in the budget and a comment from HR. Loaded before the past periods are published, so last year's
plan has its figures. Loading twice changes nothing."""

from django.utils import timezone

from samtale.actions.models import Action
from samtale.competence import selectors, services
from samtale.competence.models import PlanLine
from samtale.demo import org as org_demo
from samtale.needs import policy as needs_policy
from samtale.org.models import Unit

# What an action's text begins with: (kind, estimated cost in kroner, or None).
KINDS = {
    "Delta på kurs": ("course", 3500),
    "Fullføre kurset": ("course", 2500),
    "Søke videreutdanning": ("further_education", 45000),
    "Hospitere hos": ("training", None),
    "Være fadder": ("guidance", 0),
}


def load() -> int:
    """Marks the demo's competence actions; returns how many were marked."""
    if Action.objects.exclude(competence="").exists():
        return 0
    marked = 0
    for start, (kind, cost) in KINDS.items():
        marked += Action.objects.filter(text__startswith=start).update(competence=kind, cost=cost)
    return marked


def plan() -> None:
    """Fjordvik skole's plan for last year, once its figures are published: the courses in
    the budget, further education approved, HR's comment."""
    year = timezone.localdate().year - 1
    unit = Unit.objects.get(code="4200")
    if PlanLine.objects.filter(unit=unit, year=year).exists():
        return
    head = org_demo.person("10001")
    hr = org_demo.person("30003")
    found = selectors.plan_of(
        unit=unit, year=year, needs=needs_policy.competence_needs_visible_to(head)
    )
    services.plan_line_set(
        actor=head,
        plan=found,
        kind="course",
        priority="high",
        status="budget",
        note="Kurs i fagsystemet for alle som ikke har tatt det.",
    )
    services.plan_line_set(
        actor=head,
        plan=found,
        kind="further_education",
        priority="normal",
        status="approved",
        note="Søknad til Kompetanse for kvalitet innen fristen.",
    )
    services.plan_comment_add(
        actor=hr, plan=found, text="Kursene kan dekkes av den felles kompetansepotten."
    )
