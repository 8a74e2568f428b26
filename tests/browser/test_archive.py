"""In a browser: the employee downloads their copy of the signed follow-up form from the
conversation, and the archive staff work their queue (the package downloaded, then marked
as registered), axe-clean at 1280 and at 360 px."""

import io
import zipfile
from pathlib import Path

import pytest

from samtale.archive.models import Delivery, SignedForm
from tests.browser.conftest import DEMO_PASSWORD


def test_the_employee_downloads_the_signed_form_from_the_conversation(visitor_factory, demo):
    employee = demo["employee"]
    form = SignedForm.objects.filter(conversation__employee=employee).order_by("-pk").first()
    visitor = visitor_factory("archive-employee", width=360, height=780)
    visitor.login(employee.email, DEMO_PASSWORD)
    visitor.goto(f"/samtaler/{form.conversation_id}/")
    link = visitor.page.get_by_role(
        "link", name="Det signerte oppfølgingsskjemaet, revisjon 1 (PDF)"
    )
    visitor.check("conversation-with-form")
    with visitor.page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_archive_staff_download_a_package_and_mark_it_registered(visitor_factory, demo, width):
    waiting = Delivery.objects.filter(status=Delivery.Status.WAITING).count()
    assert waiting, "the demo has forms waiting for the archive"
    archivist = visitor_factory(f"archive-queue-{width}", width=width, height=900)
    archivist.login(demo["archive"].email, DEMO_PASSWORD)
    menu = archivist.page.locator("button.menu-button")
    if menu.is_visible():  # on a phone the menu folds behind its button
        menu.click()
    archivist.page.get_by_role("link", name="Arkiv").first.click()
    archivist.page.wait_for_url("**/arkiv/")
    assert "Til personalmappen" in archivist.page.locator("h1").inner_text()
    archivist.check("queue")
    first = archivist.page.locator("main tbody tr").first
    with archivist.page.expect_download() as download:
        first.get_by_role("link", name="Noark 5-pakke").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as package:
        names = package.namelist()
    assert {"arkivstruktur.xml", "endringslogg.xml", "arkivuttrekk.xml"} <= set(names)
    assert any(name.endswith(".pdf") for name in names)
    first.get_by_label("Journalnummer i arkivet").fill("2026/1234-5")
    with archivist.page.expect_navigation():
        first.get_by_role("button", name="Registrert i arkivet").click()
    registered = archivist.page.locator("#registered").inner_text()
    assert "registrert i arkivet" in registered and "2026/1234-5" in registered
    assert Delivery.objects.filter(status=Delivery.Status.WAITING).count() == waiting - 1
    assert Delivery.objects.filter(target="2026/1234-5", status="delivered").count() == 1
    archivist.check("queue-after")
    # The same day, it can be undone: the form waits again, without its journal number.
    archivist.submit("#registered button[type=submit]")
    assert Delivery.objects.filter(status=Delivery.Status.WAITING).count() == waiting
    assert not Delivery.objects.filter(target="2026/1234-5").exists()
