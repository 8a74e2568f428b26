"""A change of line manager told to the three it concerns (issue 61): the administrator is
warned before saving what it will move, and told after what moved; the new leader finds the
hand-over on the home page and sets a time for the conversation that came without one; the
employee's home says where the conversation went. In the whole demo, where Maria Pedersen's
hand-over from Ola Berg to Silje Moen already waits."""

import pytest

from samtale.actions import handover as actions_handover
from samtale.conversations.models import Conversation
from samtale.org.models import LeaderChange, Person
from tests.browser.conftest import DEMO_PASSWORD
from tests.browser.first_time_catalogue import whole_demo_loaded


@pytest.fixture
def whole_demo(transactional_db, request):
    return whole_demo_loaded(request)


def _person(number: str) -> Person:
    return Person.objects.get(employee_number=number, email__endswith="@fjordvik.example")


def test_a_change_of_line_manager_is_told_to_all_three(visitor_factory, whole_demo):
    nils, ola = whole_demo["admin"], whole_demo["leader"]
    nora = _person("40011")  # Ola's, her conversation prepared, actions open
    silje = _person("10003")
    assert nora.manager == ola
    actions = actions_handover.actions_waiting_after(
        person_id=nora.pk, old_manager_id=ola.pk, new_manager_id=silje.pk
    ).count()
    assert actions

    # The administrator changes the line manager and is warned before it is saved.
    admin = visitor_factory("handover-admin")
    admin.login(nils.email, DEMO_PASSWORD)
    admin.goto(f"/personer/{nora.pk}/rediger/")
    admin.pick("manager", "Silje", silje.full_name)
    admin.submit("form.narrow > p.actions button[type=submit]")
    warning = admin.page.locator(".handover-warning").inner_text()
    assert "Ikke lagret ennå" in warning
    assert f"flyttes til {silje.full_name}:" in warning
    assert f"{actions} åpne tiltak går over til {silje.full_name} hvis Nora sier ja" in warning
    admin.check("warning")
    assert _person("40011").manager == ola
    admin.submit(".handover-warning button[type=submit]")
    said = admin.page.inner_text("main")
    assert f"ble avlyst og flyttet til {silje.full_name}." in said
    assert _person("40011").manager == silje
    change = LeaderChange.objects.get(person=nora)
    moved = Conversation.objects.get(pk=change.moved[0][1])

    # The new leader: both who came to her, on the home page, and where she acts on it.
    leader = visitor_factory("handover-leader", width=390, height=844)
    leader.login(silje.email, DEMO_PASSWORD)
    card = leader.page.locator(".handed-over")
    assert "2 nye medarbeidere har kommet til deg" in card.inner_text()
    row = card.locator(".handed-over-person", has_text=nora.full_name)
    assert f"fra {ola.full_name}" in row.inner_text()
    assert f"Nora bestemmer om {actions} åpne tiltak" in row.inner_text()
    assert "Maria Pedersen" in card.inner_text()  # the demo's, two days ago
    leader.check("home")
    if moved.scheduled_at is None:
        row.get_by_role("link", name="Sett en tid").click()
        leader.page.wait_for_url(f"**/samtaler/{moved.pk}/tid/")
    else:
        row.get_by_role("link", name="Åpne samtalen").click()
        leader.page.wait_for_url(f"**/samtaler/{moved.pk}/")
    leader.goto("/")
    row = leader.page.locator(".handed-over-person", has_text=nora.full_name)
    row.get_by_role("link", name="Se det i oppfølgingen").click()
    leader.page.wait_for_url("**/oppfolging/**")
    assert nora.full_name in leader.page.inner_text("#handover-heading + ul")

    # The employee: where her conversation went.
    employee = visitor_factory("handover-employee", width=390, height=844)
    employee.login(nora.email, DEMO_PASSWORD)
    moved_card = employee.page.locator(".conversation-moved")
    assert f"Samtalen din er flyttet til {silje.full_name}" in moved_card.inner_text()
    assert f"fra {ola.full_name} til {silje.full_name}" in moved_card.inner_text()
    employee.check("home")
    moved_card.get_by_role("link", name="Åpne samtalen").click()
    employee.page.wait_for_url(f"**/samtaler/{moved.pk}/")
