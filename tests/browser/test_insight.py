"""In a browser: HR drills from the whole organization down to a team in the status analysis
and downloads the table; the other insight pages (answers per area, rating habits, the
shared needs) and a leader's feedback on leadership, axe-clean at 1280 and at 360 px."""

import csv
import io
from pathlib import Path

import pytest

from samtale.demo import needs as needs_demo
from samtale.demo import rounds as rounds_demo
from samtale.needs.models import Need
from tests.browser.conftest import DEMO_PASSWORD


@pytest.fixture
def insight_demo(demo):
    rounds_demo.load()
    needs_demo.load()
    return demo


@pytest.mark.parametrize("width", [1280, 360])
def test_hr_drills_down_to_a_team_and_downloads_the_table(visitor_factory, insight_demo, width):
    hr = visitor_factory(f"insight-hr-{width}", width=width, height=900)
    hr.login(insight_demo["hr"].email, DEMO_PASSWORD)
    menu = hr.page.locator("button.menu-button")
    if menu.is_visible():  # on a phone the menu folds behind its button
        menu.click()
    hr.page.get_by_role("link", name="Innsikt").first.click()
    hr.page.wait_for_url("**/innsikt/")
    assert "Hele organisasjonen" in hr.page.locator("h1").inner_text()
    hr.check("organization")
    for unit in ("Fjordvik skole", "Barnetrinnet", "Team 1.–4. trinn"):
        hr.page.locator("#compared ~ .table-wrap").get_by_role("link", name=unit).first.click()
        hr.page.wait_for_url("**enhet=*")
        assert unit in hr.page.locator("h1").inner_text()
    hr.check("team")
    with hr.page.expect_download() as download:
        hr.page.get_by_role("link", name="Last ned (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["År", "Enhet"] and rows[1][1] == "Team 1.–4. trinn"
    hr.page.get_by_role("link", name="Ett nivå opp").click()
    hr.page.wait_for_url("**enhet=*")
    assert "Barnetrinnet" in hr.page.locator("h1").inner_text()

    for link, label in (
        ("Svar på påstandene", "answers"),
        ("Vurderingsvaner", "rating-habits"),
        ("Felles behov", "needs"),
    ):
        with hr.page.expect_navigation():
            hr.page.locator("nav.subnav").get_by_role("link", name=link).click()
        hr.check(label)
        if label == "answers":  # filtered by a profession group, under the same rule
            hr.page.get_by_label("Yrkesgruppe").select_option("Undervisning")
            hr.page.get_by_role("button", name="Vis").click()
            hr.page.wait_for_url("**yrke=Undervisning*")
            assert "Bare yrkesgruppen Undervisning." in hr.page.locator("main").inner_text()
            hr.check("answers-profession")
    hr.page.locator("main table a").first.click()
    hr.page.wait_for_url("**/behov/*/")
    hr.check("need")


def test_a_leader_reads_the_feedback_about_them_on_a_phone(visitor_factory, insight_demo):
    leader = visitor_factory("insight-leadership", width=360, height=780)
    leader.login(insight_demo["leader"].email, DEMO_PASSWORD)
    leader.goto("/innsikt/ledelse/")
    assert "om deg" in leader.page.locator("main h2").first.inner_text()
    assert leader.page.locator("svg[role=img]").count() >= 1
    leader.check("leadership")
    assert Need.objects.exists()
    leader.goto("/behov/")
    leader.check("needs")


def test_the_employee_answers_about_the_leader_privately_and_raises_a_need(
    visitor_factory, insight_demo
):
    from samtale.conversations.models import Conversation

    kari = insight_demo["employee"]
    conversation = Conversation.objects.filter(employee=kari, status="invited").first()
    employee = visitor_factory("insight-preparation", width=360, height=780)
    employee.login(kari.email, DEMO_PASSWORD)
    employee.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    leadership = employee.page.locator("#tema-ledelse")
    assert "ser dem aldri" in leadership.locator(".ds-alert").inner_text()
    leadership.locator("input[name=value][value='4']").first.check()
    needs = employee.page.locator("#behov")
    needs.locator("summary").click()
    needs.get_by_label("Hva slags behov").select_option("equipment")
    needs.get_by_label("Behovet").fill("Headset til alle på trinnet")
    needs.get_by_label("Anslått kostnad i kroner (om noen)").fill("4000")
    needs.get_by_role("button", name="Legg til behovet").click()
    employee.page.wait_for_url("**#behov")
    assert "Headset til alle på trinnet" in employee.page.locator("#behov").inner_text()
    employee.check("preparation")
    # The leader sees the need, and not the answer about them.
    leader = visitor_factory("insight-preparation-leader", width=1280)
    leader.login(insight_demo["leader"].email, DEMO_PASSWORD)
    leader.goto(f"/samtaler/{conversation.pk}/forberedelse/")
    theme = leader.page.locator("#tema-ledelse")
    assert "om deg privat" in theme.inner_text()
    assert theme.locator("input[type=radio]").count() == 0
    assert "Headset til alle på trinnet" in leader.page.locator("#behov").inner_text()
    leader.check("preparation-leader")
