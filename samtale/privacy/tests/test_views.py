"""The pages: the employee's download from the profile, HR's legal hold and copy on a person's
page, and the retention page. Each works, hides from the wrong people, refuses the wrong
method, and answers bad input with a message and no change."""

import io
import json
import zipfile
from datetime import date

from django.urls import reverse
from django.utils import timezone

from samtale.core.models import AuditEntry
from samtale.privacy import services
from samtale.privacy.models import AccessCopy, LegalHold, RetentionRun
from samtale.privacy.tests.conftest import full_conversation


def files_of(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# The person's own copy ------------------------------------------------------------------------


def test_the_profile_offers_the_download_of_ones_data(client_for):
    response = client_for("employee").get(reverse("profile"))
    assert reverse("privacy_export_own") in response.content.decode()


def test_the_download_is_a_zip_named_by_the_person_and_the_day_and_audited(
    client_for, people, version
):
    full_conversation(people.employee, people.leader, version, key="A", held=date(2025, 3, 1))
    response = client_for("employee").get(reverse("privacy_export_own"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    name = "-".join(people.employee.full_name.lower().split())
    assert response["Content-Disposition"] == (
        f'attachment; filename="samtale-innsyn-{name}-{timezone.localdate().isoformat()}.zip"'
    )
    data = json.loads(files_of(response)["data.json"])
    assert data["person"]["id"] == people.employee.pk
    entry = AuditEntry.objects.get(action="privacy.export")
    assert (entry.actor, entry.object_id, entry.data) == (
        people.employee,
        str(people.employee.pk),
        {"person": people.employee.pk, "by": "self"},
    )


def test_the_download_is_asked_for_with_get_only(client_for):
    assert client_for("employee").post(reverse("privacy_export_own")).status_code == 405
    assert not AuditEntry.objects.filter(action="privacy.export").exists()


# HR's request for a person's copy: it goes to the person, never to HR -------------------------
# (samtale/privacy/tests/test_copies.py follows it to the person.)


def test_hr_asks_for_the_copy_of_a_person_and_gets_no_zip_only_the_persons_page(
    client_for, people, version
):
    full_conversation(people.employee, people.leader, version, key="A", held=date(2025, 3, 1))
    url = reverse("privacy_export_for", args=[people.employee.pk])
    hr = client_for("hr")
    form = hr.get(url).content.decode()
    assert 'name="reason"' in form and 'name="note"' in form
    assert 'name="address"' not in form  # the employee can sign in: it waits in their account
    response = hr.post(url, {"reason": "written", "note": "Bedt om i brev 3. mars"})
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[people.employee.pk])
    assert response["Content-Type"].startswith("text/html")
    assert b"MARKER" not in response.content and not response.content.startswith(b"PK")
    page = hr.get(response["Location"])
    assert [m.level_tag for m in page.context["messages"]] == ["success"]
    assert "MARKER" not in page.content.decode()
    copy = AccessCopy.objects.get()
    assert (copy.person, copy.made_by, copy.reason, copy.note) == (
        people.employee,
        people.hr,
        "written",
        "Bedt om i brev 3. mars",
    )
    assert (copy.channel, copy.status, copy.delivered_at) == ("account", "waiting", None)
    entry = AuditEntry.objects.get(action="privacy.copy_request")
    assert entry.actor == people.hr and entry.object_id == str(people.employee.pk)
    assert entry.data == {"copy": copy.pk, "channel": "account", "reason": "written"}
    assert not AuditEntry.objects.filter(action__in=["privacy.export", "privacy.copy_delivered"])


def test_the_request_needs_a_reason_from_the_list_and_a_note_of_reasonable_length(
    client_for, people
):
    url = reverse("privacy_export_for", args=[people.employee.pk])
    for data in (
        {"reason": "written", "note": ""},
        {"reason": "written", "note": "   "},
        {"reason": "written", "note": "x" * 2001},
        {"note": "Bedt om i brev"},
        {"reason": "", "note": "Bedt om i brev"},
        {"reason": "because", "note": "Bedt om i brev"},
    ):
        response = client_for("hr").post(url, data)
        assert response.status_code == 400, data
        assert response["Content-Type"].startswith("text/html")
        page = response.content.decode()
        assert "ds-error-summary" in page and 'aria-invalid="true"' in page, data
    assert not AccessCopy.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="privacy.").exists()


def test_hr_cannot_ask_for_their_own_here_and_nobody_else_asks_for_anyones(client_for, people):
    own = reverse("privacy_export_for", args=[people.hr.pk])
    data = {"reason": "written", "note": "Meg selv"}
    assert client_for("hr").post(own, data).status_code == 403
    url = reverse("privacy_export_for", args=[people.employee.pk])
    for role in ("employee", "leader", "leaders_leader", "admin"):
        assert client_for(role).post(url, data).status_code == 403, role
    for role in ("other_employee", "other_leader"):
        assert client_for(role).post(url, data).status_code == 404, role
    assert not AccessCopy.objects.exists()


# Legal holds --------------------------------------------------------------------------------


def test_hr_sees_the_privacy_section_on_a_persons_page_and_no_one_else(client_for, people):
    url = reverse("person_detail", args=[people.employee.pk])
    hold_url = reverse("legal_hold_set", args=[people.employee.pk])
    assert hold_url in client_for("hr").get(url).content.decode()
    for role in ("employee", "leader", "leaders_leader", "admin"):
        page = client_for(role).get(url).content.decode()
        assert hold_url not in page and "privacy-heading" not in page, role


def test_hr_puts_a_person_on_legal_hold_with_a_reason_and_releases_it(client_for, people):
    hr = client_for("hr")
    response = hr.post(
        reverse("legal_hold_set", args=[people.employee.pk]), {"reason": "Tvist om oppsigelse"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert (hold.person, hold.set_by, hold.reason, hold.released_at) == (
        people.employee,
        people.hr,
        "Tvist om oppsigelse",
        None,
    )
    page = hr.get(reverse("person_detail", args=[people.employee.pk])).content.decode()
    assert "Tvist om oppsigelse" in page
    assert reverse("legal_hold_release", args=[people.employee.pk]) in page
    assert hr.post(reverse("legal_hold_release", args=[people.employee.pk])).status_code == 302
    hold.refresh_from_db()
    assert hold.released_by == people.hr and hold.released_at is not None
    assert list(
        AuditEntry.objects.filter(object_id=str(people.employee.pk))
        .order_by("pk")
        .values_list("action", "data")
    ) == [
        ("privacy.hold_set", {"hold": hold.pk}),
        ("privacy.hold_release", {"hold": hold.pk}),
    ]
    # A new hold later: the old one stays as history.
    hr.post(reverse("legal_hold_set", args=[people.employee.pk]), {"reason": "Ny sak"})
    assert LegalHold.objects.count() == 2


def test_a_hold_needs_a_reason_and_is_set_once(client_for, people):
    url = reverse("legal_hold_set", args=[people.employee.pk])
    hr = client_for("hr")
    for reason in ("", " \n ", "y" * 2001):
        response = hr.post(url, {"reason": reason})
        assert response.status_code == 400
        page = response.content.decode()
        assert "ds-error-summary" in page and 'aria-invalid="true"' in page
    assert not LegalHold.objects.exists()
    hr.post(url, {"reason": "Sak"})
    response = hr.post(url, {"reason": "Sak igjen"})
    assert response.status_code == 400 and LegalHold.objects.count() == 1


def test_releasing_without_a_hold_says_so(client_for, people):
    response = client_for("hr").post(
        reverse("legal_hold_release", args=[people.employee.pk]), follow=True
    )
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_hr_does_not_hold_or_release_themselves(client_for, people):
    hr = client_for("hr")
    response = hr.post(reverse("legal_hold_set", args=[people.hr.pk]), {"reason": "Meg"})
    assert response.status_code == 400 and "ds-error-summary" in response.content.decode()
    assert not LegalHold.objects.exists()
    services.legal_hold_set(actor=people.hr, person=people.admin, reason="Sak")
    LegalHold.objects.update(person=people.hr)
    hr.post(reverse("legal_hold_release", args=[people.hr.pk]))
    assert LegalHold.objects.get().released_at is None


def test_only_hr_holds(client_for, people):
    url = reverse("legal_hold_set", args=[people.employee.pk])
    for role in ("employee", "leader", "leaders_leader", "admin"):
        assert client_for(role).post(url, {"reason": "x"}).status_code == 403, role
    assert not LegalHold.objects.exists()


# The retention page ---------------------------------------------------------------------------


def test_hr_reads_the_policy_the_runs_and_who_is_on_hold(client_for, people):
    services.legal_hold_set(actor=people.hr, person=people.employee, reason="Tvist 2026/14")
    services.retention_run(dry_run=True)
    for _ in range(24):
        RetentionRun.objects.create(notes_months=12, leavers_years=3, finished_at=timezone.now())
    page = client_for("hr").get(reverse("retention_overview"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Tvist 2026/14" in text and people.employee.full_name in text
    assert "12" in text and text.count("<tr>") == 1 + 1 + 20 + 1  # two heads, 20 runs, a hold
    second = client_for("hr").get(reverse("retention_overview") + "?side=2")
    assert second.content.decode().count("<tr>") == 1 + 1 + 5 + 1


def test_only_hr_reads_the_retention_page(client_for):
    for role in ("employee", "leader", "leaders_leader", "admin"):
        assert client_for(role).get(reverse("retention_overview")).status_code == 403, role


def test_hr_finds_the_retention_page_from_the_people_list(client_for):
    link = reverse("retention_overview")
    assert link in client_for("hr").get(reverse("person_list")).content.decode()
    assert link not in client_for("admin").get(reverse("person_list")).content.decode()
