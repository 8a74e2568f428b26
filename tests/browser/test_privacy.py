"""In a browser: the employee downloads their own copy from the profile; HR puts a person on
legal hold from their page, reads the retention page and asks for a copy on request, which
reaches the person only (on their profile, or for one who has left by a one-time link and a
code), axe-clean at 1280 and 360 px."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from samtale.org.models import Person
from samtale.privacy import links, services
from samtale.privacy.models import AccessCopy, LegalHold
from tests.browser.conftest import DEMO_PASSWORD


def test_the_employee_downloads_their_own_copy_from_the_profile(visitor_factory, demo):
    employee = demo["employee"]
    visitor = visitor_factory("privacy-own-copy", width=360, height=780)
    visitor.login(employee.email, DEMO_PASSWORD)
    visitor.goto("/profil/")
    visitor.check("profile")
    with visitor.page.expect_download() as download:
        visitor.page.locator("#dine-data ~ * a[href$='innsyn.zip']").first.click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as copy:
        data = json.loads(copy.read("data.json"))
        assert "index.html" in copy.namelist()
    assert data["person"]["email"] == employee.email


@pytest.mark.parametrize("width", [1280, 360])
def test_hr_puts_a_person_on_legal_hold_and_reads_the_retention_page(visitor_factory, demo, width):
    employee = demo["employee"]
    hr = visitor_factory(f"privacy-hr-{width}", width=width, height=900)
    hr.login(demo["hr"].email, DEMO_PASSWORD)
    hr.goto(f"/personer/{employee.pk}/")
    hr.page.locator("#privacy-heading ~ details summary").first.click()
    hr.page.locator("#privacy-heading ~ details textarea").first.fill(
        "Tvist om arbeidstid, sak 2026/114"
    )
    with hr.page.expect_navigation():
        hr.page.locator("#privacy-heading ~ details button[type=submit]").first.click()
    assert LegalHold.objects.filter(person=employee, released_at__isnull=True).exists()
    hr.check("person-on-hold")
    hr.goto("/personvern/sletting/")
    assert employee.full_name in hr.page.locator("main").inner_text()
    hr.check("retention")
    hr.goto(f"/personer/{employee.pk}/innsyn/")
    hr.check("copy-on-request")


def test_hr_sends_a_copy_that_only_the_employee_downloads_from_the_profile(visitor_factory, demo):
    """HR asks for the copy on the person's page and is sent back there with a message, never
    a file; the employee finds the request on their profile and downloads it."""
    employee = demo["employee"]
    hr = visitor_factory("privacy-hr-asks", width=1280, height=900)
    hr.login(demo["hr"].email, DEMO_PASSWORD)
    hr.goto(f"/personer/{employee.pk}/innsyn/")
    # The keyboard: the reasons are radio buttons, the note a text area.
    hr.page.get_by_label("Personen ba om det skriftlig").check()
    hr.page.get_by_label("Hvordan og når personen ba om det").fill("Ba om det på e-post 3. mars")
    downloads = []
    hr.page.on("download", lambda download: downloads.append(download))
    hr.submit("main form button[type=submit]")
    assert hr.page.url.endswith(f"/personer/{employee.pk}/") and downloads == []
    assert "venter på profilen" in hr.page.locator("main").inner_text()
    hr.check("copy-asked")
    copy = AccessCopy.objects.get(person=employee)
    assert (copy.channel, copy.status) == ("account", "waiting")

    visitor = visitor_factory("privacy-copy-in-account", width=360, height=780)
    visitor.login(employee.email, DEMO_PASSWORD)
    visitor.goto("/profil/")
    profile = visitor.page.locator("main").inner_text()
    assert "Ba om det på e-post 3. mars" in profile and demo["hr"].full_name in profile
    visitor.check("profile-copy-waiting")
    with visitor.page.expect_download() as download:
        visitor.page.locator(f"a[href='/profil/innsyn/{copy.pk}/']").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as zipped:
        data = json.loads(zipped.read("data.json"))
    assert data["person"]["email"] == employee.email
    copy.refresh_from_db()
    assert copy.status == "delivered"
    visitor.goto("/meg/lest/")
    assert "Ba om det på e-post 3. mars" in visitor.page.locator("main").inner_text()
    visitor.check("my-reads-with-copy")


def test_a_person_who_has_left_opens_the_link_with_the_code(visitor_factory, demo):
    """The one-time link's page at 360 px, without signing in: a wrong code is named in the
    error summary; the right one downloads the copy, once."""
    person = demo["employee"]
    Person.objects.filter(pk=person.pk).update(is_active=False)
    gone = Person.objects.get(pk=person.pk)
    copy = services.access_copy_request(
        actor=demo["hr"], person=gone, reason="leaver", note="Brev", address="ny@example.no"
    )
    path = f"/innsyn/{links.token_for(copy)}/"
    visitor = visitor_factory("privacy-copy-link", width=360, height=780)
    visitor.goto(path)
    visitor.check("copy-link")
    code = visitor.page.get_by_label("Kode")
    code.fill("0000 0000" if links.code_for(copy) != "00000000" else "1111 1111")
    code.press("Enter")
    visitor.page.wait_for_load_state("load")
    assert "forsøk til" in visitor.page.locator("main").inner_text()
    visitor.check("copy-link-wrong-code")
    with visitor.page.expect_download() as download:
        visitor.page.get_by_label("Kode").fill(links.shown(links.code_for(copy)))
        visitor.page.get_by_label("Kode").press("Enter")
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as zipped:
        assert json.loads(zipped.read("data.json"))["person"]["id"] == person.pk
    visitor.goto(path)
    assert "brukt" in visitor.page.locator("main").inner_text()
    visitor.check("copy-link-used")
