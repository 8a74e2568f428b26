"""Shared needs for the demo: raised in last year's signed conversations at the school and
shared by their conclusions, some merged, each with a status on the way to the budget; and
one raised in a conversation under way this year that stays in it until both have signed."""

from datetime import timedelta

from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.demo import org as org_demo
from samtale.needs import services
from samtale.needs.models import Category, Need, NeedChange, RaisedNeed
from samtale.org.models import Person

# (category, text, cost, status, how many conversations raised it)
NEEDS = [
    (
        Category.EQUIPMENT,
        "Flere bærbare PC-er til elevene på mellomtrinnet: i dag må to klasser dele ett skap.",
        180_000,
        Need.Status.BUDGET,
        4,
    ),
    (
        Category.COMPETENCE,
        "Kurs i klasseledelse for nye lærere det første året.",
        45_000,
        Need.Status.CONSIDERING,
        3,
    ),
    (
        Category.ROUTINE,
        "Fast rutine for overlapp når en kollega er syk, så vikaren får beskjed dagen før.",
        None,
        Need.Status.DONE,
        2,
    ),
    (
        Category.EQUIPMENT,
        "Støydempende plater i grupperommene.",
        60_000,
        Need.Status.NEW,
        1,
    ),
    (
        Category.OTHER,
        "Felles planleggingstid for trinnteamene hver uke.",
        None,
        Need.Status.DECLINED,
        2,
    ),
]


def load() -> int:
    """Create the demo's needs unless there are any. Returns how many reached the register."""
    if Need.objects.exists():
        return 0
    hr = org_demo.person("30003")
    signed = list(
        Conversation.objects.filter(
            employee__email__endswith=f"@{org_demo.domain()}",
            status=Conversation.Status.SIGNED,
            employee__unit__code__startswith="42",
            kind=Conversation.Kind.ANNUAL,
            signed_at__year=timezone.localdate().year - 1,
        )
        .select_related("employee", "leader")
        .order_by("signed_at", "pk")
    )
    taken = iter(signed)
    for category, text, cost, status, count in NEEDS:
        sources = [next(taken) for _ in range(count)]
        _registered(sources, hr, category=category, text=text, cost=cost, status=status)
    _under_way()
    return len(NEEDS)


def _registered(sources: list[Conversation], hr: Person, *, category, text, cost, status) -> None:
    """One need in the register, raised and shared by `sources` (registered when the first
    was signed), and HR's handling of it when it has gone past new."""
    first = sources[0]
    assert first.signed_at is not None and first.employee.unit_id is not None
    need = Need.objects.create(
        unit_id=first.employee.unit_id,
        category=category,
        text=text,
        cost=cost,
        status=status,
        year=first.signed_at.year,
        conversations=len(sources),
    )
    Need.objects.filter(pk=need.pk).update(created_at=first.signed_at)
    NeedChange.objects.create(need=need, status=Need.Status.NEW)
    if status != Need.Status.NEW:
        NeedChange.objects.create(
            need=need, status=status, by=hr, comment="Behandlet i ledermøtet."
        )
    for conversation in sources:
        RaisedNeed.objects.create(
            conversation=conversation,
            raised_by=conversation.employee,
            unit_id=need.unit_id,
            category=category,
            text=text,
            cost=cost,
            share=True,
            need=need,
        )


def _under_way() -> None:
    """A need under way: raised in Kari's preparation, not shared yet."""
    open_one = (
        Conversation.objects.filter(
            employee__employee_number="10004",
            employee__email__endswith=f"@{org_demo.domain()}",
            status=Conversation.Status.INVITED,
        )
        .order_by("pk")
        .first()
    )
    if open_one is not None:
        RaisedNeed.objects.create(
            conversation=open_one,
            raised_by=open_one.employee,
            unit_id=services.units_for_need(open_one)[0].pk,
            category=Category.COMPETENCE,
            text="Opplæring i det nye vurderingsverktøyet for hele trinnet.",
            cost=15_000,
            created_at=open_one.created_at + timedelta(days=1),
        )
