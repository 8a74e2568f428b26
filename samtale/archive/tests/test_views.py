"""The PDF for the two parties and the archive staff's queue, through the access policy."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from samtale.archive.models import Delivery, SignedForm
from samtale.core.models import AuditEntry
from samtale.org.models import Person


@pytest.fixture
def form(sign):
    return SignedForm.objects.get(conversation=sign())


@pytest.mark.parametrize("role", ["employee", "leader"])
def test_the_parties_download_their_form_and_it_is_logged(client_for, form, role):
    response = client_for(role).get(reverse("form_pdf", args=[form.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="download.signed_form", object_id=str(form.pk)).exists()
    # The two parties' own reads are not reads from outside the conversation.
    assert not AuditEntry.objects.filter(action="conversation.read").exists()


@pytest.mark.parametrize(
    "role", ["other_employee", "other_leader", "leaders_leader", "hr", "admin"]
)
def test_no_one_else_gets_the_pdf_even_when_the_conclusion_shares_something(client_for, form, role):
    form.revision.shared_outside = "Behov for kurs kan deles med HR."
    form.revision.save(update_fields=["shared_outside"])
    assert client_for(role).get(reverse("form_pdf", args=[form.pk])).status_code == 404


def test_the_conversation_page_links_each_signed_revision(client_for, form):
    page = client_for("employee").get(reverse("conversation_detail", args=[form.conversation_id]))
    assert reverse("form_pdf", args=[form.pk]) in page.content.decode()


def test_the_archive_staff_see_the_queue_and_download_both_files(client, archivist, form):
    client.force_login(archivist)
    page = client.get(reverse("archive_queue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Emma Testesen" in text and "103" in text
    delivery = form.deliveries.get()
    assert reverse("archive_package", args=[delivery.pk]) in text
    pdf = client.get(reverse("form_pdf", args=[form.pk]))
    assert pdf.status_code == 200
    package = client.get(reverse("archive_package", args=[delivery.pk]))
    assert package.status_code == 200 and package["Content-Type"] == "application/zip"
    assert AuditEntry.objects.filter(action="download.archive_package").count() == 1
    # Each is a read from outside the conversation, which the employee sees.
    reads = AuditEntry.objects.filter(
        action="conversation.read", object_id=str(form.conversation_id), actor=archivist
    )
    assert sorted(entry.data["what"] for entry in reads) == ["archive_package", "signed_form"]
    assert all(entry.data["as"] == "archive" for entry in reads)
    mine = client_for_employee_reads(form)
    assert "Arne Arkivar" in mine


def client_for_employee_reads(form) -> str:
    """The employee's page of who outside their conversations has read them."""
    from django.test import Client

    client = Client()
    client.force_login(form.conversation.employee)
    return client.get(reverse("my_reads")).content.decode()


def test_confirming_moves_it_to_delivered(client, archivist, form):
    client.force_login(archivist)
    delivery = form.deliveries.get()
    response = client.post(reverse("archive_confirm", args=[delivery.pk]), follow=True)
    assert response.status_code == 200
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED
    assert "Emma Testesen" not in client.get(reverse("archive_queue")).content.decode()
    assert (
        "Emma Testesen" in client.get(reverse("archive_queue") + "?status=levert").content.decode()
    )


def test_an_empty_queue_says_so(client, archivist, db):
    client.force_login(archivist)
    assert (
        "Nothing waits" in client.get(reverse("archive_queue")).content.decode()
        or "Ingenting" in client.get(reverse("archive_queue")).content.decode()
    )


def test_retrying_a_delivery_that_has_not_failed_is_refused_with_a_message(client, archivist, form):
    client.force_login(archivist)
    delivery = form.deliveries.get()
    response = client.post(reverse("archive_retry", args=[delivery.pk]), follow=True)
    assert response.status_code == 200
    assert Delivery.objects.get(pk=delivery.pk).attempts == delivery.attempts


def test_the_queue_shows_a_refusal_in_the_archives_words_with_a_retry(client, archivist, form):
    delivery = form.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        channel=Delivery.Channel.FIKS,
        status=Delivery.Status.REFUSED,
        error="Arkivet avviste skjemaet: Klassen ANSATTNR/4711 finnes ikke.",
    )
    client.force_login(archivist)
    page = client.get(reverse("archive_queue") + "?status=feilet").content.decode()
    assert "Avvist av arkivet" in page
    assert "Klassen ANSATTNR/4711 finnes ikke." in page
    assert reverse("archive_retry", args=[delivery.pk]) in page


def test_the_queue_shows_the_archives_journal_number_of_a_filed_form(client, archivist, form):
    delivery = form.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        channel=Delivery.Channel.FIKS,
        status=Delivery.Status.DELIVERED,
        delivered_at=form.signed_at,
        target="2026/13",
    )
    client.force_login(archivist)
    page = client.get(reverse("archive_queue") + "?status=levert").content.decode()
    assert "journalnummer 2026/13" in page


def test_the_queue_says_how_the_forms_go_by_the_channel_in_use(client, archivist, form, settings):
    client.force_login(archivist)
    assert "som en Noark 5-pakke" in client.get(reverse("archive_queue")).content.decode()
    settings.SAMTALE_ARCHIVE_CHANNEL = "fiks"
    page = client.get(reverse("archive_queue")).content.decode()
    assert "over Fiks Arkiv" in page and "som en Noark 5-pakke" not in page


def test_the_delivered_tab_lists_the_newest_first(client, archivist, sign):
    first = SignedForm.objects.get(conversation=sign()).deliveries.get()
    second = SignedForm.objects.get(conversation=sign()).deliveries.get()
    client.force_login(archivist)
    for delivery in (first, second):
        client.post(reverse("archive_confirm", args=[delivery.pk]))
    page = client.get(reverse("archive_queue") + "?status=levert")
    assert [d.pk for d in page.context["page"].object_list] == [second.pk, first.pk]
    waiting = client.get(reverse("archive_queue"))
    assert list(waiting.context["page"].object_list) == []


def test_a_delivery_not_yet_downloaded_does_not_say_it_was(client, archivist, form):
    delivery = form.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(attempts=1)
    client.force_login(archivist)
    page = client.get(reverse("archive_queue")).content.decode()
    # What the archive staff are to do, not how many times Samtale looked at it.
    assert "Last ned pakken og registrer den i arkivsystemet" in page
    assert "1 forsøk" not in page
    assert "Downloaded by" not in page and "Lastet ned av" not in page


def _every_archive_page(client, form) -> dict[str, int]:
    """Each archive page for the archive staff, its status code by name."""
    delivery = form.deliveries.get()
    codes = {}
    for shown in ("", "?status=venter", "?status=feilet", "?status=levert"):
        codes[f"queue{shown}"] = client.get(reverse("archive_queue") + shown).status_code
    codes["pdf"] = client.get(reverse("form_pdf", args=[form.pk])).status_code
    codes["package"] = client.get(reverse("archive_package", args=[delivery.pk])).status_code
    codes["retry"] = client.post(reverse("archive_retry", args=[delivery.pk])).status_code
    codes["confirm"] = client.post(reverse("archive_confirm", args=[delivery.pk])).status_code
    codes["queue after"] = client.get(reverse("archive_queue") + "?status=levert").status_code
    return codes


@pytest.mark.parametrize("person_key", ["employee_number", "national_id"])
@pytest.mark.parametrize("channel", ["download", "folder", "fiks"])
def test_no_archive_page_fails_with_either_person_key_or_channel(
    client, archivist, sign, settings, tmp_path, person_key, channel
):
    """With the national identity number as the key and a person without one, every page
    answers (pakke.zip sends back to the queue saying what is missing), for every channel."""
    settings.SAMTALE_ARCHIVE_PERSON_KEY = person_key
    settings.SAMTALE_ARCHIVE_FOLDER = str(tmp_path)
    settings.AMQP_URL = "amqp://guest:guest@127.0.0.1:9/%2F"  # no broker: fails, says so
    form = SignedForm.objects.get(conversation=sign())
    Delivery.objects.filter(form=form).update(channel=channel)
    client.force_login(archivist)
    codes = _every_archive_page(client, form)
    assert set(codes.values()) <= {200, 302}, codes


def test_a_package_that_cannot_be_made_says_what_is_missing_and_who_adds_it(
    client, archivist, form, settings
):
    settings.SAMTALE_ARCHIVE_PERSON_KEY = "national_id"
    delivery = form.deliveries.get()
    client.force_login(archivist)
    page = client.get(reverse("archive_queue")).content.decode()
    assert reverse("archive_package", args=[delivery.pk]) not in page
    assert "Emma Testesen har ikke fødselsnummer i Samtale" in page
    assert "En administrator legger det inn" in page
    answer = client.get(reverse("archive_package", args=[delivery.pk]), follow=True)
    assert answer.status_code == 200
    assert "Emma Testesen har ikke fødselsnummer i Samtale" in answer.content.decode()
    assert not AuditEntry.objects.filter(action="download.archive_package").exists()


def test_without_an_organization_number_the_queue_says_no_package_is_made(
    client, archivist, form, settings
):
    settings.SAMTALE_ORGANIZATION_NUMBER = ""
    delivery = form.deliveries.get()
    client.force_login(archivist)
    page = client.get(reverse("archive_queue")).content.decode()
    assert reverse("archive_package", args=[delivery.pk]) not in page
    assert "SAMTALE_ORGANIZATION_NUMBER" in page


# The archive staff know what to do: their home card, the deed on each row, registering
# with the archive's journal number, undoing it the same day, and each tab's empty state.

OSLO = ZoneInfo("Europe/Oslo")


def _forms(sign, *, waiting=0, failed=0, refused=0, delivered=0) -> list[Delivery]:
    """Signed forms on their way to the personnel file, in the statuses asked for."""
    made = []
    for status, n in (
        (Delivery.Status.WAITING, waiting),
        (Delivery.Status.FAILED, failed),
        (Delivery.Status.REFUSED, refused),
        (Delivery.Status.DELIVERED, delivered),
    ):
        for _ in range(n):
            delivery = SignedForm.objects.get(conversation=sign()).deliveries.get()
            Delivery.objects.filter(pk=delivery.pk).update(status=status)
            made.append(delivery)
    return made


def test_the_archive_staffs_home_counts_the_forms_not_yet_in_the_personnel_file(
    client, archivist, sign
):
    _forms(sign, waiting=2, failed=1, refused=1, delivered=1)
    client.force_login(archivist)
    home = client.get(reverse("home")).content.decode()
    assert "4 skjema venter på deg" in home
    assert f'href="{reverse("archive_queue")}"' in home
    assert "Ingenting venter på deg akkurat nå" not in home
    # The failed and refused, one click from home: the list where each says why.
    failed = f'href="{reverse("archive_queue")}?status=feilet"'
    assert failed in home and "2 feilet: se hvorfor og prøv igjen" in home


def test_the_archive_staffs_home_links_no_failed_list_when_none_failed(client, archivist, sign):
    _forms(sign, waiting=1)
    client.force_login(archivist)
    home = client.get(reverse("home")).content.decode()
    assert "1 skjema venter på deg" in home and "?status=feilet" not in home


def test_the_archive_staffs_home_has_no_card_when_every_form_is_delivered(client, archivist, sign):
    _forms(sign, delivered=1)
    client.force_login(archivist)
    home = client.get(reverse("home")).content.decode()
    assert "archive-open" not in home and "skjema venter på deg" not in home


@pytest.mark.parametrize(
    "role", ["employee", "other_employee", "leader", "leaders_leader", "hr", "admin"]
)
def test_no_one_else_gets_the_archive_card(client_for, role, sign):
    _forms(sign, waiting=1)
    home = client_for(role).get(reverse("home")).content.decode()
    assert "archive-open" not in home and "skjema venter på deg" not in home


@pytest.mark.parametrize(
    ("channel", "deed"),
    [
        ("download", "Last ned pakken og registrer den i arkivsystemet, så trykk «Registrert"),
        ("folder", "Leveres til mappen av Samtale."),
        ("fiks", "Arkiveres over Fiks Arkiv."),
    ],
)
def test_each_waiting_row_says_what_happens_next(client, archivist, form, channel, deed):
    Delivery.objects.filter(form=form).update(channel=channel, attempts=1)
    client.force_login(archivist)
    page = client.get(reverse("archive_queue")).content.decode()
    assert deed in page
    registers = reverse("archive_confirm", args=[form.deliveries.get().pk]) in page
    assert registers == (channel == "download")


def test_registering_with_a_journal_number_keeps_it_and_shows_it(client, archivist, form):
    delivery = form.deliveries.get()
    client.force_login(archivist)
    response = client.post(
        reverse("archive_confirm", args=[delivery.pk]),
        {"journal_number": "  2026/1234-5 ", "next": reverse("archive_queue")},
        follow=True,
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.target, delivery.delivered_by) == (
        Delivery.Status.DELIVERED,
        "2026/1234-5",
        archivist,
    )
    # Said at the top, with the way to undo it.
    said = response.content.decode()
    assert "Revisjon 1 for Emma Testesen er merket som registrert i arkivet." in said
    assert "Journalnummer 2026/1234-5." in said
    assert reverse("archive_confirm_undo", args=[delivery.pk]) in said
    delivered = client.get(reverse("archive_queue") + "?status=levert").content.decode()
    assert "journalnummer 2026/1234-5" in delivered
    entry = AuditEntry.objects.get(action="archive.delivered")
    assert entry.data["journalpost"] == "2026/1234-5"


def test_registering_without_a_journal_number_is_fine(client, archivist, form):
    delivery = form.deliveries.get()
    client.force_login(archivist)
    client.post(reverse("archive_confirm", args=[delivery.pk]), {"journal_number": ""})
    delivery.refresh_from_db()
    assert (delivery.status, delivery.target) == (Delivery.Status.DELIVERED, "")
    assert "journalpost" not in AuditEntry.objects.get(action="archive.delivered").data
    # The success is said once: the next view of the queue does not say it again.
    first = client.get(reverse("archive_queue")).content.decode()
    again = client.get(reverse("archive_queue")).content.decode()
    assert 'id="registered"' in first and 'id="registered"' not in again


def test_a_journal_number_too_long_is_refused_at_its_field_as_typed(client, archivist, form):
    delivery = form.deliveries.get()
    client.force_login(archivist)
    typed = "2026/" + "9" * 120
    response = client.post(
        reverse("archive_confirm", args=[delivery.pk]),
        {"journal_number": typed, "next": reverse("archive_queue")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    field = re.search(rf'<input[^>]*id="journal-{delivery.pk}"[^>]*>', page).group(0)
    assert f'value="{typed}"' in field and 'aria-invalid="true"' in field
    assert f'aria-describedby="journal-{delivery.pk}-error"' in field
    assert f'id="journal-{delivery.pk}-error"' in page
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.WAITING


def test_any_archive_staff_may_undo_a_registration_the_same_day(client, archivist, people, form):
    delivery = form.deliveries.get()
    colleague = Person.objects.create_user(
        "arkiv2@test.example", "x", first_name="Anne", last_name="Arkiv", is_archivist=True
    )
    with time_machine.travel(datetime(2026, 11, 20, 8, 5, tzinfo=OSLO)):
        client.force_login(archivist)
        client.post(reverse("archive_confirm", args=[delivery.pk]), {"journal_number": "26/7"})
    with time_machine.travel(datetime(2026, 11, 20, 23, 55, tzinfo=OSLO)):
        client.force_login(colleague)
        delivered = client.get(reverse("archive_queue") + "?status=levert").content.decode()
        assert reverse("archive_confirm_undo", args=[delivery.pk]) in delivered
        response = client.post(reverse("archive_confirm_undo", args=[delivery.pk]), follow=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_at, delivery.delivered_by, delivery.target) == (
        Delivery.Status.WAITING,
        None,
        None,
        "",
    )
    assert "Registreringen av revisjon 1 for Emma Testesen er angret." in (
        response.content.decode()
    )
    entry = AuditEntry.objects.get(action="archive.confirm_undone")
    assert entry.actor == colleague and entry.data["journalpost"] == "26/7"


def test_a_registration_cannot_be_undone_the_next_day(client, archivist, form):
    delivery = form.deliveries.get()
    client.force_login(archivist)
    with time_machine.travel(datetime(2026, 11, 20, 23, 50, tzinfo=OSLO)):
        client.post(reverse("archive_confirm", args=[delivery.pk]))
    with time_machine.travel(datetime(2026, 11, 21, 0, 10, tzinfo=OSLO)):
        delivered = client.get(reverse("archive_queue") + "?status=levert").content.decode()
        assert reverse("archive_confirm_undo", args=[delivery.pk]) not in delivered
        response = client.post(reverse("archive_confirm_undo", args=[delivery.pk]), follow=True)
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED
    [message] = response.context["messages"]
    assert message.level_tag == "error" and "i dag" in str(message)
    assert not AuditEntry.objects.filter(action="archive.confirm_undone").exists()


@pytest.mark.parametrize("channel", ["folder", "fiks"])
def test_what_samtale_delivered_itself_cannot_be_undone(client, archivist, form, channel):
    delivery = form.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        channel=channel, status=Delivery.Status.DELIVERED, delivered_at=timezone.now()
    )
    client.force_login(archivist)
    assert reverse("archive_confirm_undo", args=[delivery.pk]) not in (
        client.get(reverse("archive_queue") + "?status=levert").content.decode()
    )
    client.post(reverse("archive_confirm_undo", args=[delivery.pk]))
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DELIVERED


@pytest.mark.parametrize(
    ("tab", "statuses", "says", "points_to"),
    [
        ("", {"delivered": 1}, "Ingenting venter på å komme i personalmappen", ""),
        ("feilet", {"waiting": 2}, "Ingen skjema har feilet.", "2 skjema venter på å bli levert."),
        ("venter", {"failed": 1}, "Ingen skjema venter på å bli levert.", "1 skjema har feilet."),
        ("levert", {"waiting": 1}, "Ingenting er levert ennå.", ""),
    ],
)
def test_each_tab_says_what_is_true_of_it_when_empty(
    client, archivist, sign, tab, statuses, says, points_to
):
    _forms(sign, **statuses)
    client.force_login(archivist)
    page = client.get(reverse("archive_queue") + (f"?status={tab}" if tab else "")).content
    empty = re.search(r'<p class="empty">(.*?)</p>', page.decode(), re.S).group(1)
    assert says in empty and points_to in empty
    if tab != "":
        assert "Ingenting venter på å komme i personalmappen" not in empty


def test_both_files_are_named_for_the_person_and_the_day_held_never_by_an_id(
    client, archivist, form
):
    """Not feda1cfd-….zip or oppfolgingsskjema-17-1.pdf: whose conversation and the day it
    was held, in ASCII (Emma Testesen → emma-testesen), and nothing the form says."""
    day = timezone.localdate(form.held_at).isoformat()
    client.force_login(archivist)
    pdf = client.get(reverse("form_pdf", args=[form.pk]))
    assert pdf["Content-Disposition"] == f'attachment; filename="samtale-emma-testesen-{day}.pdf"'
    package = client.get(reverse("archive_package", args=[form.deliveries.get().pk]))
    assert package["Content-Disposition"] == (
        f'attachment; filename="noark5-emma-testesen-{day}.zip"'
    )


def test_a_name_with_norwegian_letters_is_spelled_in_ascii(form):
    form.content["employee"]["name"] = "Bjørn Ærø-Åsen"
    form.content["revision"] = 2
    day = timezone.localdate(form.held_at).isoformat()
    assert form.download_name() == f"samtale-bjorn-aero-asen-versjon-2-{day}.pdf"


def test_a_retry_says_how_it_went_and_where_the_form_is_now(client, archivist, form):
    """Tried again from the failed ones: the form leaves that tab, so the top of the page
    says what became of it and links to the tab it is in now; the button says it is busy."""
    delivery = form.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error="x")
    client.force_login(archivist)
    failed = reverse("archive_queue") + "?status=feilet"
    assert 'data-busy="' in client.get(failed).content.decode()
    response = client.post(
        reverse("archive_retry", args=[delivery.pk]), {"next": failed}, follow=True
    )
    page = response.content.decode()
    status = Delivery.objects.get(pk=delivery.pk).status
    assert status != Delivery.Status.FAILED
    alert = re.search(r'<div class="ds-alert"[^>]*id="retried">(.*?)</div>', page, re.S)
    assert alert, page
    assert "Emma Testesen" in alert[1]
    tab = "levert" if status == Delivery.Status.DELIVERED else "venter"
    assert f"?status={tab}&amp;q=Emma%20Testesen" in alert[1]
    # Said once: the next visit is the plain queue.
    assert 'id="retried"' not in client.get(failed).content.decode()
