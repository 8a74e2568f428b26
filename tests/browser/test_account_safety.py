"""A password reset after someone else changed the address waits for the old address: the
pages a person meets on the way, on a phone, pass axe-core."""

from urllib.parse import urlsplit

import pytest
from django.core import mail

from samtale.demo import org as org_demo
from samtale.org import services

PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(transactional_db):
    return org_demo.load(password=PASSWORD)


def test_the_old_address_confirms_a_reset_after_an_address_change(visitor_factory, demo):
    kari = demo["employee"]
    services.person_update(actor=demo["admin"], person=kari, email="kari@ny.example")
    visitor = visitor_factory("reset-held", width=360, height=740)
    visitor.goto("/passord/glemt/")
    visitor.page.fill("#id_email", "kari@ny.example")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url("**/passord/glemt/sendt/")
    old = next(m for m in mail.outbox if m.subject == "Bekreft nytt passord til Samtale")
    assert old.to == [f"kari.nilsen@{org_demo.DOMAIN}"]
    assert not any("/passord/ny/" in m.body for m in mail.outbox)
    link = next(word for word in old.body.split() if "/passord/bekreft/" in word)
    visitor.goto(urlsplit(link).path)
    assert "kari@ny.example" in visitor.page.locator("main").inner_text()
    visitor.check("confirm")
    visitor.page.click("main button[type=submit]")
    assert "sendt til den nye e-postadressen" in visitor.page.locator("main").inner_text()
    visitor.check("confirmed")
    assert any(m.to == ["kari@ny.example"] and "/passord/ny/" in m.body for m in mail.outbox)


def test_hr_releases_a_held_reset_on_a_phone(visitor_factory, demo):
    kari = demo["employee"]
    services.person_update(actor=demo["admin"], person=kari, email="kari@ny.example")
    visitor = visitor_factory("release-hold", width=360, height=740)
    visitor.login(demo["hr"].email, PASSWORD)
    visitor.goto("/personer/endringer/?vis=epost")
    row = visitor.page.locator("tbody tr", has_text="kari@ny.example")
    assert "Venter på den gamle adressen" in row.inner_text()
    visitor.check("email-changes-held")
    row.get_by_role("button", name="Frigi").click()
    visitor.page.wait_for_url("**/personer/endringer/?vis=epost")
    assert "uten å vente" in visitor.page.locator("main").inner_text()
    assert "Frigitt av Lise Hansen" in row.inner_text()
    visitor.check("email-changes-released")
