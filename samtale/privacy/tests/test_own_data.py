"""The copy of one's own data as a page in the app, beside its ZIP: the person's alone,
newest conversation first, "You" for what the reader did, and each signed form's PDF linked
where the conversation's page links it (in the ZIP, the PDF itself, made if it was not)."""

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext

from samtale.archive.models import SignedForm
from samtale.conversations.models import Conversation
from samtale.conversations.proposal_models import TimeProposal
from samtale.org.models import Person
from samtale.privacy import export
from samtale.privacy.tests.conftest import PDF, full_conversation


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def three(people, version):
    """The employee's conversations, made in another order than their dates: one held in
    2025, one held in 2024, and one planned ahead with other times the employee proposed."""
    newer = full_conversation(
        people.employee, people.leader, version, key="N", held=date(2025, 3, 1)
    )
    older = full_conversation(
        people.employee, people.leader, version, key="O", held=date(2024, 3, 1)
    )
    ahead = Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=version,
        status=Conversation.Status.INVITED,
        scheduled_at=timezone.now() + timedelta(days=20),
    )
    TimeProposal.objects.create(
        conversation=ahead,
        party="employee",
        start_1=timezone.now() + timedelta(days=21),
        message="MARKER-P-message",
        sequence=ahead.ics_sequence,
        created_at=timezone.now(),
    )
    return ahead, newer, older


def headings_in_order(page: str, conversations) -> bool:
    """Whether the conversations' headings (id="c<pk>") come in this order on the page."""
    places = [page.index(f'id="c{c.pk}"') for c in conversations]
    return places == sorted(places)


def test_the_person_reads_their_copy_as_a_page_newest_first(people, three, client_for):
    ahead, newer, older = three
    url = reverse("privacy_own_data", args=[people.employee.pk])
    response = client_for("employee").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert headings_in_order(page, [ahead, newer, older])
    with translation.override("nb"):
        you = capfirst(gettext("you"))
        assert you == "Du"
        # The reader's own update of an action, and their own proposal of other times: "Du",
        # not their name, nor "Medarbeideren".
        assert f"<p>{you}, " in page and f"<li>{you}, " in page
        assert "MARKER-P-message" in page and "Medarbeideren" not in page
        # What the leader did keeps the leader's name (the postponement).
        assert f"<li>{people.leader.full_name}, " in page
        assert escape(gettext("Download as zip")) in page
    assert reverse("privacy_export_own") in page
    # Each made form linked where the conversation's page links it.
    for conversation in (newer, older):
        form = SignedForm.objects.get(conversation=conversation)
        assert f'href="{reverse("form_pdf", args=[form.pk])}"' in page


def test_nobody_else_opens_the_page_hr_included(people, three, client_for):
    url = reverse("privacy_own_data", args=[people.employee.pk])
    for role in ("other_employee", "leader", "leaders_leader", "hr", "admin"):
        assert client_for(role).get(url).status_code == 404, role
        # Their own page is theirs.
        own = reverse("privacy_own_data", args=[people.by_role(role).pk])
        assert client_for(role).get(own).status_code == 200, role
    assert client_for("employee").get(reverse("privacy_own_data", args=[999999])).status_code == (
        404
    )


def test_the_profile_leads_to_the_page_and_the_zip(people, client_for):
    page = client_for("employee").get(reverse("profile")).content.decode()
    assert reverse("privacy_own_data", args=[people.employee.pk]) in page
    assert reverse("privacy_export_own") in page


def test_a_form_the_worker_has_not_made_yet_is_linked_and_made_for_the_zip(people, version):
    """As the demo's older forms: signed, filed, and no PDF yet. The page links it (opening
    it makes it); the ZIP makes it now and holds it, not "not made yet"."""
    c = full_conversation(people.employee, people.leader, version, key="A", held=date(2025, 3, 1))
    SignedForm.objects.filter(conversation=c).update(pdf=None, pdf_sha256="")
    form = SignedForm.objects.get(conversation=c)
    data, _files = export.person_data(people.employee, pdfs=False)
    [entry] = data["conversations_as_employee"][0]["signed_forms"]
    assert (entry["id"], entry["file"], entry["pdf_failed"]) == (form.pk, None, False)

    files = unzip(export.person_export(people.employee))
    name = f"skjema/oppfolgingsskjema-{c.pk}-2.pdf"
    assert files[name].startswith(b"%PDF")
    assert f'href="{name}"' in files["index.html"].decode()
    form.refresh_from_db()
    assert form.pdf  # made once, kept: the archive's and the next copy's


def test_a_pdf_that_cannot_be_made_says_when_it_will_be(people, version):
    c = full_conversation(people.employee, people.leader, version, key="A", held=date(2025, 3, 1))
    # A form whose content the renderer cannot read: its PDF fails as a real failure would.
    SignedForm.objects.filter(conversation=c).update(pdf=None, content={"revision": 2})
    files = unzip(export.person_export(people.employee))
    assert not [name for name in files if name.startswith("skjema/")]
    page = files["index.html"].decode()
    with translation.override(people.employee.language or "nb"):
        said = gettext(
            "its PDF could not be made when this copy was made. Samtale tries again by "
            "itself in a few minutes: then it is on the page of your data in Samtale (your "
            "profile, Your data), and in the next copy you download. What it says is in "
            "data.json."
        )
    assert escape(said) in page
    [entry] = json.loads(files["data.json"])["conversations_as_employee"][0]["signed_forms"]
    assert entry["pdf_failed"] is True and entry["file"] is None


def test_the_zip_is_in_date_order_with_its_pdfs(people, three):
    ahead, newer, older = three
    files = unzip(export.person_export(people.employee))
    page = files["index.html"].decode()
    assert headings_in_order(page, [ahead, newer, older])
    data = json.loads(files["data.json"])
    assert [c["id"] for c in data["conversations_as_employee"]] == [ahead.pk, newer.pk, older.pk]
    for conversation in (newer, older):
        name = f"skjema/oppfolgingsskjema-{conversation.pk}-2.pdf"
        assert files[name].startswith(PDF) and f'href="{name}"' in page


@pytest.mark.parametrize(("language", "you"), [("nb", "Du"), ("nn", "Du"), ("en", "You")])
def test_the_copy_says_you_for_the_reader_in_their_language(people, three, language, you):
    Person.objects.filter(pk=people.employee.pk).update(language=language)
    employee = Person.objects.get(pk=people.employee.pk)
    page = unzip(export.person_export(employee))["index.html"].decode()
    assert f"<p>{you}, " in page and f"<li>{you}, " in page
    assert f"<p>{employee.full_name}, " not in page
    data, _files = export.person_data(employee)
    [proposal] = data["conversations_as_employee"][0]["time_proposals"]
    assert proposal["by"] == "you"


def test_the_page_makes_one_query_more_for_each_conversation(people, version, client_for):
    """As the ZIP (test_export): a few queries in all, and one more per conversation (the
    summary's revisions, whose rule is per conversation); no PDF is read."""
    client = client_for("employee")
    url = reverse("privacy_own_data", args=[people.employee.pk])
    full_conversation(people.employee, people.leader, version, key="Q0", held=date(2024, 1, 10))
    client.get(url)  # the session's own first queries
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in (1, 2):
        full_conversation(
            people.employee,
            people.leader,
            version,
            key=f"Q{n}",
            held=date(2024, 1, 10) + timedelta(days=90 * n),
        )
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).status_code == 200
    assert len(three) - len(one) == 2
    read = re.compile(r'"archive_signedform"\."pdf"(,| FROM)')  # whether it has one is asked
    assert not [q for q in three.captured_queries if read.search(q["sql"])]
