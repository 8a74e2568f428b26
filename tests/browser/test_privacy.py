"""In a browser: the employee downloads their own copy from the profile; HR puts a person on
legal hold from their page, reads the retention page and makes a copy on request, axe-clean
at 1280 and 360 px."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from samtale.privacy.models import LegalHold
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
