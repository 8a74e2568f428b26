"""A copy of a person's data reaches that person only. HR asks for it on the person's
request; one who can sign in finds it waiting on their profile (told by e-mail, without any
of it), one who has left gets a one-time link and, in a second e-mail, the code that opens
it, to the address they gave. HR, the administrator, the person's leader and the leader's
leader get none of it by any path; HR sees that it was asked for and when it was
downloaded, and the person sees the request at once on "Who has read your conversations"."""

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from samtale.core.models import AuditEntry
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import BUILDERS
from samtale.org.models import Person
from samtale.privacy import links, services
from samtale.privacy.models import AccessCopy
from samtale.privacy.tests.conftest import full_conversation
from tests.content_paths.world import exposed, markers_in

LEAVERS_ADDRESS = "emma.privat@example.no"
LINK = re.compile(r"/innsyn/([0-9a-f]{64})/")
CODE = re.compile(r"\b(\d{4} \d{4})\b")
# Those who are not the person: none may get the copy, by any path.
OTHERS = ("hr", "admin", "leader", "leaders_leader")


def files_of(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def body_of(message) -> str:
    """What a received message says: its subject and both parts."""
    parts = [message["Subject"]]
    parts += [
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
    ]
    return "\n".join(parts)


@pytest.fixture
def content(people, version):
    """The employee's conversation with every text a marker (MARKER-A-…)."""
    return full_conversation(
        people.employee, people.leader, version, key="A", held=date(2025, 3, 1)
    )


@pytest.fixture
def leaver(people, content):
    Person.objects.filter(pk=people.employee.pk).update(is_active=False, end_date=date(2025, 6, 30))
    return Person.objects.get(pk=people.employee.pk)


@pytest.fixture
def ask(client_for, django_capture_on_commit_callbacks):
    """HR asks for the copy on the person's page, the e-mails sent as after the commit;
    HR's answer (the redirect)."""

    def go(person, **data):
        data = {"reason": "written", "note": "Bedt om på e-post 3. mars", **data}
        with django_capture_on_commit_callbacks(execute=True):
            return client_for("hr").post(reverse("privacy_export_for", args=[person.pk]), data)

    return go


def link_and_code(smtp) -> tuple[str, str]:
    """The link's path and the code, each from its own e-mail to the leaver's address."""
    [first, second] = smtp.to(LEAVERS_ADDRESS)
    link, code = body_of(first), body_of(second)
    assert LINK.search(link) and not CODE.search(link)
    assert CODE.search(code) and not LINK.search(code)
    found_link, found_code = LINK.search(link), CODE.search(code)
    assert found_link and found_code
    return f"/innsyn/{found_link.group(1)}/", found_code.group(1)


# One who can sign in: the copy waits in their account ----------------------------------------


def test_the_person_is_told_by_email_and_downloads_the_copy_on_their_profile(
    smtp, people, content, client_for, ask
):
    response = ask(people.employee)
    assert response.status_code == 302 and not response.content
    [told] = smtp.to(people.employee.email)
    text = body_of(told)
    assert "/profil/#dine-data" in text and markers_in(text) == []
    assert not [part for part in told.iter_attachments()]
    copy = AccessCopy.objects.get()

    employee = client_for("employee")
    profile = employee.get(reverse("profile")).content.decode()
    download = reverse("privacy_copy_download", args=[copy.pk])
    assert download in profile
    assert people.hr.full_name in profile and "Bedt om på e-post 3. mars" in profile
    assert "Personen ba om det skriftlig" in profile  # the reason, in words

    got = employee.get(download)
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    data = json.loads(files_of(got)["data.json"])
    assert data["person"]["id"] == people.employee.pk
    assert "MARKER-A-employee-note" in files_of(got)["data.json"].decode()
    copy.refresh_from_db()
    assert copy.status == "delivered" and copy.delivered_at is not None
    first = copy.delivered_at
    # Theirs: they may download it again; it was delivered the first time.
    assert employee.get(download).status_code == 200
    copy.refresh_from_db()
    assert copy.delivered_at == first
    delivered = AuditEntry.objects.filter(action="privacy.copy_delivered")
    assert [(e.actor, e.object_id, e.data) for e in delivered] == [
        (people.employee, str(people.employee.pk), {"copy": copy.pk, "channel": "account"})
    ] * 2


def test_hr_sees_that_it_was_asked_for_and_when_it_was_downloaded_never_the_copy(
    people, content, client_for, ask
):
    ask(people.employee)
    copy = AccessCopy.objects.get()
    hr = client_for("hr")
    person_page = reverse("person_detail", args=[people.employee.pk])
    page = hr.get(person_page).content.decode()
    assert "Bedt om på e-post 3. mars" in page and "Ikke lastet ned ennå" in page
    assert markers_in(page) == []
    assert reverse("privacy_copy_download", args=[copy.pk]) not in page
    client_for("employee").get(reverse("privacy_copy_download", args=[copy.pk]))
    page = hr.get(person_page).content.decode()
    assert "Lastet ned" in page and "Ikke lastet ned ennå" not in page
    assert markers_in(page) == []


@pytest.mark.parametrize("role", [*OTHERS, "other_employee", "other_leader"])
def test_no_one_else_downloads_the_copy_waiting_in_the_persons_account(
    people, content, client_for, ask, role
):
    ask(people.employee)
    copy = AccessCopy.objects.get()
    response = client_for(role).get(reverse("privacy_copy_download", args=[copy.pk]))
    assert response.status_code == 404
    assert markers_in(exposed(response)) == []
    copy.refresh_from_db()
    assert (copy.status, copy.delivered_at) == ("waiting", None)
    assert not AuditEntry.objects.filter(action="privacy.copy_delivered").exists()


def test_the_download_is_asked_for_with_get_only_and_signed_in(people, content, client_for, ask):
    ask(people.employee)
    url = reverse("privacy_copy_download", args=[AccessCopy.objects.get().pk])
    assert client_for("employee").post(url).status_code == 405
    assert client_for("anonymous").get(url).status_code == 302
    assert AccessCopy.objects.get().delivered_at is None


# One who has left: a one-time link and a code, in two e-mails --------------------------------


def test_a_leaver_gets_the_link_and_the_code_in_two_emails_to_the_address_they_gave(
    smtp, people, leaver, ask, client_for
):
    form = client_for("hr").get(reverse("privacy_export_for", args=[leaver.pk])).content.decode()
    assert 'name="address"' in form
    response = ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    assert response.status_code == 302
    path, code = link_and_code(smtp)
    assert smtp.to(leaver.email) == []  # not to the work address they no longer read
    for message in smtp.messages:
        assert markers_in(body_of(message)) == []
        assert not [part for part in message.iter_attachments()]
    copy = AccessCopy.objects.get()
    assert (copy.channel, copy.address, copy.status) == ("link", LEAVERS_ADDRESS, "waiting")
    assert copy.expires_at == copy.at + timedelta(days=7)
    # Neither the link nor the code is stored anywhere: only their digests.
    token = path.split("/")[2]
    stored = json.dumps(list(AccessCopy.objects.values()), default=str)
    stored += json.dumps(list(OutboundEmail.objects.values()), default=str)
    stored += json.dumps(list(AuditEntry.objects.values()), default=str)
    assert token not in stored and code.replace(" ", "") not in stored and code not in stored
    assert copy.token_hash == links.token_digest(token)
    # HR was told where it went, and nothing that opens it.
    page = client_for("hr").get(response["Location"]).content.decode()
    assert LEAVERS_ADDRESS in page
    assert token not in page and code not in page and code.replace(" ", "") not in page


def test_the_link_asks_for_the_code_and_downloads_the_copy_once(smtp, people, leaver, ask):
    ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    path, code = link_and_code(smtp)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    text = page.content.decode()
    assert page.status_code == 200 and 'name="code"' in text
    assert 'autocomplete="one-time-code"' in text
    assert markers_in(text) == [] and leaver.full_name not in text
    assert page["Referrer-Policy"] == "same-origin"  # the token goes to no other site
    # Without the form's CSRF token the post is refused.
    assert browser.post(path, {"code": code}).status_code == 403
    csrf = browser.cookies["csrftoken"].value
    got = browser.post(path, {"code": code, "csrfmiddlewaretoken": csrf})
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"
    assert "MARKER-A-employee-note" in files_of(got)["data.json"].decode()
    copy = AccessCopy.objects.get()
    assert copy.status == "delivered" and copy.delivered_at is not None
    entry = AuditEntry.objects.get(action="privacy.copy_delivered")
    assert entry.actor is None and entry.object_id == str(leaver.pk)
    assert entry.data == {"copy": copy.pk, "channel": "link"}

    again = browser.post(path, {"code": code, "csrfmiddlewaretoken": csrf})
    assert again.status_code == 410 and again["Content-Type"].startswith("text/html")
    assert "brukt" in again.content.decode() and markers_in(exposed(again)) == []
    assert browser.get(path).status_code == 410
    assert AuditEntry.objects.filter(action="privacy.copy_delivered").count() == 1


def test_a_code_may_be_typed_with_or_without_its_space(smtp, leaver, ask):
    ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    path, code = link_and_code(smtp)
    got = Client().post(path, {"code": f" {code.replace(' ', '-')} "})
    assert got.status_code == 200 and got["Content-Type"] == "application/zip"


def test_wrong_codes_lock_the_link(smtp, people, leaver, ask):
    ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    path, code = link_and_code(smtp)
    wrong = "0000 0000" if code != "0000 0000" else "1111 1111"
    browser = Client()
    for left in (4, 3, 2, 1):
        response = browser.post(path, {"code": wrong})
        page = response.content.decode()
        assert response.status_code == 400
        assert "ds-error-summary" in page and 'aria-invalid="true"' in page
        # A download saves nothing: the summary says what did not happen.
        assert "Kopien ble ikke lastet ned." in page and "Ingenting ble lagret" not in page
        assert f"{left} forsøk til" in page or f"{left} forsøk igjen" in page
        assert markers_in(exposed(response)) == []
    assert not AuditEntry.objects.filter(action="privacy.copy_locked").exists()
    locked = browser.post(path, {"code": wrong})
    assert locked.status_code == 410 and "låst" in locked.content.decode()
    assert AccessCopy.objects.get().status == "locked"
    # The right code no longer opens it.
    after = browser.post(path, {"code": code})
    assert after.status_code == 410 and markers_in(exposed(after)) == []
    assert not after.content.startswith(b"PK")
    [entry] = AuditEntry.objects.filter(action="privacy.copy_locked")
    assert entry.actor is None and entry.data == {
        "copy": AccessCopy.objects.get().pk,
        "attempts": 5,
    }
    assert code.replace(" ", "") not in json.dumps(entry.data)
    assert not AuditEntry.objects.filter(action="privacy.copy_delivered").exists()


def test_the_link_works_for_seven_days_and_then_says_it_has_expired(smtp, leaver, ask):
    ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    path, code = link_and_code(smtp)
    copy = AccessCopy.objects.get()
    with time_machine.travel(copy.expires_at + timedelta(seconds=1), tick=False):
        page = Client().get(path)
        assert page.status_code == 410 and "utløpt" in page.content.decode()
        refused = Client().post(path, {"code": code})
        assert refused.status_code == 410 and not refused.content.startswith(b"PK")
        assert markers_in(exposed(refused)) == []
    assert AccessCopy.objects.get().status == "waiting"
    assert AccessCopy.objects.get().attempts == 0
    with time_machine.travel(copy.expires_at - timedelta(minutes=1), tick=False):
        got = Client().post(path, {"code": code})
        assert got.status_code == 200 and got["Content-Type"] == "application/zip"


def test_an_unknown_link_is_not_found(db):
    for token in ("bad-token", "0" * 64, "a" * 2000):
        assert Client().get(f"/innsyn/{token}/").status_code == 404
        assert Client().post(f"/innsyn/{token}/", {"code": "12345678"}).status_code == 404


@pytest.mark.parametrize("role", OTHERS)
def test_the_others_get_nothing_by_the_link_without_the_code_nor_the_code_anywhere(
    smtp, people, leaver, ask, client_for, role
):
    """HR, the administrator, the leader and the leader's leader, even with the link in
    hand, signed in: its page, a post without a code and one with a wrong code give them no
    content; and the code was in nothing they were given."""
    asked = ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    path, code = link_and_code(smtp)
    client = client_for(role)
    seen = [asked] if role == "hr" else []
    seen += [
        client.get(path),
        client.post(path, {}),
        client.post(path, {"code": "9999 9999" if code != "9999 9999" else "8888 8888"}),
        client.get(reverse("person_detail", args=[leaver.pk])),
        client.get(reverse("privacy_export_for", args=[leaver.pk])),
    ]
    for response in seen:
        text = exposed(response)
        assert markers_in(text) == [], response.request
        assert not response.content.startswith(b"PK")
        assert code not in text and code.replace(" ", "") not in text
    assert smtp.to(people.by_role(role).email) == []
    assert AccessCopy.objects.get().status == "waiting"
    assert not AuditEntry.objects.filter(action="privacy.copy_delivered").exists()


def test_the_emails_are_written_alike_every_time_and_not_after_the_download(
    smtp, people, leaver, ask
):
    """The outbox writes an e-mail when it sends it, and may send it again: the link and code
    are the same each time (nothing stored to make them from); once downloaded, or to an
    address that is not the one given, they are not written at all."""
    ask(leaver, reason="leaver", address=LEAVERS_ADDRESS)
    path, code = link_and_code(smtp)
    records = {m.kind: m for m in OutboundEmail.objects.filter(to=leaver)}
    assert set(records) == {"access_copy_link", "access_copy_code"}
    assert all(m.status == "sent" and m.to_email == LEAVERS_ADDRESS for m in records.values())
    link = BUILDERS["access_copy_link"](records["access_copy_link"])
    assert link.context["link"].endswith(path)
    assert BUILDERS["access_copy_code"](records["access_copy_code"]).context["code"] == code
    records["access_copy_link"].to_email = "someone.else@example.no"
    assert BUILDERS["access_copy_link"](records["access_copy_link"]) is None
    Client().post(path, {"code": code})
    for record in OutboundEmail.objects.filter(to=leaver):
        assert BUILDERS[record.kind](record) is None


# Bad input ----------------------------------------------------------------------------------


def test_a_leaver_needs_a_whole_address_and_bad_input_changes_nothing(
    smtp, people, leaver, client_for, django_capture_on_commit_callbacks
):
    url = reverse("privacy_export_for", args=[leaver.pk])
    hr = client_for("hr")
    for data in (
        {"reason": "leaver", "note": "Brev 3. mars"},
        {"reason": "leaver", "note": "Brev 3. mars", "address": ""},
        {"reason": "leaver", "note": "Brev 3. mars", "address": "ikke en adresse"},
        {"reason": "leaver", "note": "Brev 3. mars", "address": "emma@"},
        {"reason": "leaver", "note": "Brev 3. mars", "address": "a" * 250 + "@example.no"},
        {"reason": "leaver", "note": "", "address": LEAVERS_ADDRESS},
        {"note": "Brev 3. mars", "address": LEAVERS_ADDRESS},
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = hr.post(url, data)
        page = response.content.decode()
        assert response.status_code == 400, data
        assert "ds-error-summary" in page and 'aria-invalid="true"' in page, data
    assert not AccessCopy.objects.exists()
    assert not OutboundEmail.objects.exists() and smtp.messages == []
    assert not AuditEntry.objects.filter(action__startswith="privacy.").exists()


def test_the_service_refuses_a_leaver_without_an_address_with_a_message(people, leaver):
    from samtale.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.access_copy_request(actor=people.hr, person=leaver, reason="leaver", note="Brev")
    assert refused.value.field == "address"
    assert not AccessCopy.objects.exists()


# The person sees the request at once ----------------------------------------------------------


def test_the_request_is_on_the_persons_who_has_read_page_at_once(people, content, client_for, ask):
    mine = reverse("my_reads")
    before = client_for("employee").get(mine).content.decode()
    assert "Hedda" not in before and "copies-heading" in before
    ask(people.employee)
    page = client_for("employee").get(mine).content.decode()
    assert people.hr.full_name in page and "Bedt om på e-post 3. mars" in page
    assert "Personen ba om det skriftlig" in page
    assert markers_in(page) == []
    # Theirs only: nobody else's page lists it.
    for role in ("other_employee", "leader", "hr"):
        assert "Bedt om på e-post 3. mars" not in client_for(role).get(mine).content.decode()
