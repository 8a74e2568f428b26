"""A way into the archive staff's long lists (issue 61: the delivered list was 22 phone
screens): pages of the queue, and a search by the employee's name, number or unit, in the
tab shown; the same forms as before, only found."""

import pytest
from django.urls import reverse

from samtale.archive import views
from samtale.archive.models import Delivery, SignedForm


@pytest.fixture
def delivered(client, archivist, sign):
    """Three delivered forms, of Kari Nilsen, Ola Berg (employee number 10002, Barnetrinnet)
    and Åse Ødegård, registered in that order; the archive staff signed in."""
    names = [("Kari Nilsen", "", "Hjemmetjenesten"), ("Ola Berg", "10002", "Barnetrinnet")]
    names.append(("Åse Ødegård", "40038", "Sykehjemmet post B"))
    forms = []
    for name, number, unit in names:
        form = SignedForm.objects.get(conversation=sign())
        content = form.content
        content["employee"] = {**content["employee"], "name": name, "number": number}
        content["unit"] = unit
        SignedForm.objects.filter(pk=form.pk).update(content=content)
        forms.append(form)
    client.force_login(archivist)
    for form in forms:
        client.post(reverse("archive_confirm", args=[form.deliveries.get().pk]))
    return forms


def _names(response) -> list[str]:
    return [d.form.content["employee"]["name"] for d in response.context["page"].object_list]


def _delivered(client, **query):
    return client.get(reverse("archive_queue"), {"status": "levert", **query})


def test_the_delivered_list_finds_a_person_by_name(client, delivered):
    response = _delivered(client, q="berg")
    assert _names(response) == ["Ola Berg"]
    body = response.content.decode()
    assert 'role="search"' in body and 'name="status" value="levert"' in body
    assert 'value="berg"' in body  # what was typed stays in the field


@pytest.mark.parametrize(
    ("typed", "found"),
    [("10002", ["Ola Berg"]), ("barnetrinnet", ["Ola Berg"]), ("kari  nilsen", ["Kari Nilsen"])],
)
def test_the_search_reads_the_number_the_unit_and_every_word(client, delivered, typed, found):
    assert _names(_delivered(client, q=typed)) == found


def test_the_search_stays_in_the_tab_shown(client, archivist, delivered, sign):
    SignedForm.objects.get(conversation=sign())  # Emma Testesen's, not delivered
    assert _names(client.get(reverse("archive_queue"), {"q": "Emma"})) == ["Emma Testesen"]
    assert _names(client.get(reverse("archive_queue"), {"q": "Kari"})) == []
    assert _names(_delivered(client, q="Emma")) == []
    assert _names(_delivered(client, q="Kari")) == ["Kari Nilsen"]


def test_a_search_without_a_match_says_so_with_the_way_back(client, delivered):
    body = _delivered(client, q="Ingensteds").content.decode()
    assert "Ingen treff for «Ingensteds» i denne lista." in body
    assert 'href="/arkiv/?status=levert">Vis alle' in body


def test_the_list_comes_in_pages_that_keep_the_tab_and_the_search(client, delivered, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = _delivered(client)
    assert _names(first) == ["Åse Ødegård"]  # the newest first
    assert "Side 1 av 3 (3 i alt)" in first.content.decode()
    assert _names(_delivered(client, side=3)) == ["Kari Nilsen"]
    searched = _delivered(client, q="e")  # all three have an "e"
    assert "?status=levert&amp;q=e&amp;side=2" in searched.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"side": "abc"},
        {"side": "-1"},
        {"side": "99999"},
        {"side": "99999999999999999999999"},
        {"q": "x" * 100_000},
        {"q": " ".join(["Ola"] * 5_000)},
        {"q": "'; drop table archive_delivery; --"},
        {"q": "%_\\"},
        {"status": "ingen-slik", "q": "Berg"},
        {"status": ["levert", "feilet"]},
    ],
)
def test_hostile_queries_get_a_page_and_change_nothing(client, delivered, query):
    before = list(Delivery.objects.order_by("pk").values_list("pk", "status"))
    response = client.get(reverse("archive_queue"), query)
    assert response.status_code == 200
    assert list(Delivery.objects.order_by("pk").values_list("pk", "status")) == before


def test_a_page_past_the_last_shows_the_last(client, delivered, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    response = _delivered(client, side="99999")
    assert _names(response) == ["Kari Nilsen"]


def test_the_search_is_never_wider_than_the_access_policy(client_for, delivered):
    for role in ("employee", "leader", "hr"):
        response = client_for(role).get(reverse("archive_queue"), {"status": "levert", "q": "e"})
        assert response.status_code in (403, 404)
