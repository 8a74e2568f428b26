"""The shared-needs register: a need leaves the conversation only when the signed conclusion
shares it; leaders of the line that raised it and HR see it, with how many conversations
raised it, never which."""

import pytest
from django.urls import reverse

from samtale.conversations.models import Conversation
from samtale.core.errors import DomainError
from samtale.needs import services
from samtale.needs.models import Need, NeedChange
from samtale.needs.services import needs_register_from
from testkit.people import goals_version


@pytest.fixture
def conversation(people):
    return Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=goals_version(),
        status=Conversation.Status.HELD,
    )


def raise_need(people, c, text="Nye PC-er til trinnet", *, share=False, cost=20000):
    raised = services.need_raise(
        actor=people.employee,
        conversation=c,
        category="equipment",
        text=text,
        cost=cost,
        unit=people.employee.unit,
    )
    if share:
        services.need_share_set(actor=people.leader, raised=raised, share=True)
    return raised


def test_a_need_reaches_the_register_only_when_the_signed_conclusion_shares_it(
    people, conversation
):
    kept = raise_need(people, conversation, "Bli i samtalen")
    shared = raise_need(people, conversation, "Til registeret", share=True)
    assert not Need.objects.exists()
    needs_register_from(conversation=conversation)
    need = Need.objects.get()
    assert (need.text, need.conversations, need.cost, need.status) == (
        "Til registeret",
        1,
        20000,
        "new",
    )
    shared.refresh_from_db()
    kept.refresh_from_db()
    assert shared.need == need and kept.need is None
    needs_register_from(conversation=conversation)  # signing again registers nothing new
    assert Need.objects.count() == 1


def test_only_the_parties_raise_and_not_after_signing(people, conversation):
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        services.need_raise(
            actor=people.other_leader,
            conversation=conversation,
            category="equipment",
            text="x",
            cost=None,
            unit=people.employee.unit,
        )
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.SIGNED)
    conversation.refresh_from_db()
    with pytest.raises(DomainError):
        raise_need(people, conversation)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "x"}, "category"),
        ({"text": "  "}, "text"),
        ({"cost": -1}, "cost"),
        ({"unit": None}, "unit"),
    ],
)
def test_a_need_is_checked(people, conversation, fields, field):
    values = {
        "category": "routine",
        "text": "Rutine",
        "cost": None,
        "unit": people.employee.unit,
        **fields,
    }
    with pytest.raises(DomainError) as error:
        services.need_raise(actor=people.employee, conversation=conversation, **values)
    assert error.value.field == field


def test_merging_counts_both_and_keeps_a_history(people, conversation):
    raise_need(people, conversation, "PC-er", share=True)
    raise_need(people, conversation, "Bærbare PC-er", share=True, cost=None)
    needs_register_from(conversation=conversation)
    first, second = Need.objects.order_by("pk")
    into = services.need_merge(actor=people.hr, need=second, into=first)
    assert into.conversations == 2
    second.refresh_from_db()
    assert second.merged_into == first
    services.need_status_set(actor=people.leader, need=first, status="budget", comment="Høsten")
    assert list(NeedChange.objects.filter(need=first).values_list("status", flat=True)) == [
        "new",
        "new",
        "budget",
    ]
    with pytest.raises(DomainError):
        services.need_merge(actor=people.hr, need=second, into=first)


def test_the_register_shows_a_count_never_the_conversation(people, conversation, client_for):
    raise_need(people, conversation, "Felles planleggingstid", share=True)
    needs_register_from(conversation=conversation)
    need = Need.objects.get()
    page = client_for("leaders_leader").get(reverse("need_detail", args=[need.pk])).content
    page = page.decode()
    assert "Felles planleggingstid" in page and "1 samtale" in page
    assert "Emma" not in page and f"/samtaler/{conversation.pk}/" not in page
    # Another leader's line did not raise it.
    assert client_for("other_leader").get(reverse("need_detail", args=[need.pk])).status_code == 404
    assert (
        "Felles planleggingstid"
        not in client_for("other_leader").get(reverse("need_list")).content.decode()
    )


def test_the_budget_export_sums_per_unit_and_kind_with_the_year(people, conversation, client_for):
    raise_need(people, conversation, "PC-er", share=True, cost=10000)
    raise_need(people, conversation, "Skjermer", share=True, cost=5000)
    needs_register_from(conversation=conversation)
    year = Need.objects.first().year
    csv = client_for("hr").get(reverse("need_list") + f"?year={year}&format=csv")
    text = csv.content.decode("utf-8-sig")
    assert f"{year};Team 1;Utstyr;2;2;15000" in text
    assert csv["Content-Disposition"].endswith(f'felles-behov-summer-{year}.csv"')
    xlsx = client_for("hr").get(reverse("need_list") + "?format=xlsx&table=needs")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_bad_year_is_refused_with_a_message(client_for):
    page = client_for("hr").get(reverse("need_list") + "?year=3000").content.decode()
    assert "Velg et år til og med" in page


def test_raising_from_the_page(people, conversation, client_for):
    url = reverse("need_raise", args=[conversation.pk])
    response = client_for("employee").post(
        url,
        {"category": "competence", "text": "Kurs", "unit": people.employee.unit_id, "cost": ""},
    )
    assert response.status_code == 302 and response["Location"].endswith("#behov")
    page = client_for("leader").get(reverse("summary", args=[conversation.pk])).content.decode()
    assert "Kurs" in page and "Del det i konklusjonen" in page


def test_a_refused_need_comes_back_as_typed_with_the_error(people, conversation, client_for):
    client = client_for("employee")
    response = client.post(
        reverse("need_raise", args=[conversation.pk]),
        {
            "category": "equipment",
            "text": "Skjermer til alle",
            "unit": people.employee.unit_id,
            "cost": "-5",
            "from": "summary",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Behovet er ikke lagt til" in page
    assert "Skjermer til alle" in page  # what was typed is kept
    assert "større enn eller lik 0" in page  # the error, beside the field
    assert not conversation.raised_needs.exists()
    # Shown once: the next visit has an empty form again.
    assert "Skjermer til alle" not in client.get(response["Location"]).content.decode()


def test_a_wrong_filter_is_named_and_the_right_ones_still_apply(people, conversation, client_for):
    raise_need(people, conversation, "Nye PC-er", share=True)
    needs_register_from(conversation=conversation)
    page = client_for("hr").get(reverse("need_list"), {"year": "3000", "status": "done"})
    text = page.content.decode()
    assert "Velg et år til og med" in text
    assert "Nye PC-er" not in text  # the status filter applied: none is done
