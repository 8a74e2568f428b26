"""An e-mail change cannot hand an account to whoever reads the new address."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.accounts.tests.test_login import _choose_password, _login
from samtale.notifications.models import OutboundEmail
from samtale.org import services
from samtale.org.imports import services as import_services
from samtale.org.models import EmailChange
from testkit.people import PASSWORD

TAKEN = "admin.private@test.example"


def _change_email(people, new=TAKEN):
    services.person_update(actor=people.admin, person=people.employee, email=new)
    people.employee.refresh_from_db()


def _ask_reset(client, email, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def _reset_links(to):
    return [
        word
        for m in mail.outbox
        if m.to == [to]
        for word in m.body.split()
        if "/passord/ny/" in word
    ]


def test_an_email_change_tells_the_old_and_the_new_address(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _change_email(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["employee@test.example", TAKEN])
    old = next(m for m in mail.outbox if m.to == ["employee@test.example"])
    assert "fra employee@test.example til admin.private@test.example av Adam Testesen" in old.body
    assert "kontakter du HR-avdelingen med en gang" in old.body
    change = EmailChange.objects.get()
    assert (change.old_email, change.new_email, change.changed_by) == (
        "employee@test.example",
        TAKEN,
        people.admin,
    )


def test_an_email_change_ends_the_persons_sessions(people):
    employee = Client()
    assert _login(employee, "employee@test.example", PASSWORD).status_code == 302
    assert employee.get(reverse("home")).status_code == 200
    _change_email(people, "emma@ny.example")
    assert employee.get(reverse("home")).status_code == 302


def test_other_changes_keep_the_persons_sessions(people):
    employee = Client()
    _login(employee, "employee@test.example", PASSWORD)
    services.person_update(actor=people.admin, person=people.employee, job_title="Rektor")
    assert employee.get(reverse("home")).status_code == 200


def test_a_reset_link_sent_before_an_email_change_no_longer_works(
    client, people, django_capture_on_commit_callbacks
):
    _ask_reset(client, "employee@test.example", django_capture_on_commit_callbacks)
    link = _reset_links("employee@test.example")[0]
    # Changed away and back again: Django's own link would be valid again; ours is not.
    _change_email(people, "emma@ny.example")
    _change_email(people, "employee@test.example")
    response = client.get(link.split("testserver", 1)[1], follow=True)
    assert response.context["validlink"] is False


def test_a_reset_asked_before_an_email_change_is_not_sent_after_it(
    client, people, django_capture_on_commit_callbacks
):
    from samtale.notifications.tasks import email_send

    client.post(reverse("password_reset"), {"email": "employee@test.example"})
    queued = OutboundEmail.objects.get(kind="password_reset")
    _change_email(people)
    email_send.call(queued.pk)
    queued.refresh_from_db()
    assert queued.status == "skipped"
    assert mail.outbox == []


def test_after_someone_else_changed_the_address_a_reset_waits_for_the_old_one(
    client, people, django_capture_on_commit_callbacks
):
    _change_email(people)
    mail.outbox.clear()
    response = _ask_reset(client, TAKEN, django_capture_on_commit_callbacks)
    assert response.headers["Location"] == reverse("password_reset_done")
    assert _reset_links(TAKEN) == []
    held = next(m for m in mail.outbox if m.to == [TAKEN])
    assert "e***@test.example" in held.body and "kontakter du HR-avdelingen" in held.body
    ask = next(m for m in mail.outbox if m.to == ["employee@test.example"])
    assert "til admin.private@test.example" in ask.body
    confirm = next(w for w in ask.body.split() if "/passord/bekreft/" in w)
    path = confirm.split("testserver", 1)[1]
    # Opening the link (a mail scanner does) changes nothing; the button does.
    assert client.get(path).status_code == 200
    assert _reset_links(TAKEN) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path).status_code == 200
    link = _reset_links(TAKEN)[0]
    message = next(m for m in mail.outbox if link in m.body)
    assert _choose_password(client, message, "a-new-pw-42").status_code == 302
    assert _login(Client(), TAKEN, "a-new-pw-42").status_code == 302
    # The confirmation link works once.
    assert client.post(path).status_code == 400


def test_the_hold_ends_after_the_configured_time(
    client, people, settings, django_capture_on_commit_callbacks
):
    _change_email(people)
    mail.outbox.clear()
    later = timezone.now() + timedelta(hours=settings.SAMTALE_EMAIL_CHANGE_HOLD_HOURS, minutes=1)
    with time_machine.travel(later):
        _ask_reset(client, TAKEN, django_capture_on_commit_callbacks)
    assert len(_reset_links(TAKEN)) == 1


def test_a_confirmation_link_dies_with_a_later_email_change(
    client, people, django_capture_on_commit_callbacks
):
    _change_email(people)
    mail.outbox.clear()
    _ask_reset(client, TAKEN, django_capture_on_commit_callbacks)
    ask = next(m for m in mail.outbox if m.to == ["employee@test.example"])
    path = next(w for w in ask.body.split() if "/passord/bekreft/" in w).split("testserver", 1)[1]
    _change_email(people, "third@test.example")
    assert client.post(path).status_code == 400


def test_an_import_that_changes_an_address_is_told_and_ends_sessions_too(
    people, django_capture_on_commit_callbacks
):
    employee = Client()
    _login(employee, "employee@test.example", PASSWORD)
    rows = [
        "Ansattnummer;Fornavn;Etternavn;E-post;Enhetskode",
        "100;Lea;Testesen;leaders_leader@test.example;E",
        "101;Leif;Testesen;leader@test.example;D1",
        "102;Olga;Testesen;other_leader@test.example;D2",
        f"103;Emma;Testesen;{TAKEN};T1",
        "104;Espen;Testesen;other_employee@test.example;D2",
        "105;Hedda;Testesen;hr@test.example;S",
        "106;Adam;Testesen;admin@test.example;S",
    ]
    batch = import_services.import_preview(
        actor=people.admin,
        kind="people",
        filename="ansatte.csv",
        content="\r\n".join(rows).encode(),
    )
    assert batch.report["problems"] == []
    with django_capture_on_commit_callbacks(execute=True):
        import_services.import_apply(actor=people.admin, batch=batch)
    change = EmailChange.objects.get()
    assert (change.person, change.old_email, change.changed_by) == (
        people.employee,
        "employee@test.example",
        people.admin,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["employee@test.example", TAKEN])
    assert employee.get(reverse("home")).status_code == 302


def test_an_import_may_not_make_the_importer_someones_line_manager(people):
    rows = [
        "Ansattnummer;Fornavn;Etternavn;E-post;Enhetskode;Leders ansattnummer",
        "100;Lea;Testesen;leaders_leader@test.example;E;",
        "101;Leif;Testesen;leader@test.example;D1;100",
        "102;Olga;Testesen;other_leader@test.example;D2;100",
        "103;Emma;Testesen;employee@test.example;T1;106",
        "104;Espen;Testesen;other_employee@test.example;D2;102",
        "105;Hedda;Testesen;hr@test.example;S;",
        "106;Adam;Testesen;admin@test.example;S;",
    ]
    batch = import_services.import_preview(
        actor=people.admin, kind="people", filename="a.csv", content="\n".join(rows).encode()
    )
    problems = batch.report["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(5, "Leders ansattnummer")]
    assert "gjøre deg selv til noens nærmeste leder" in problems[0]["message"]


def test_reset_requests_are_limited_per_address(client, people, settings):
    for _ in range(settings.PASSWORD_RESET_MAX_PER_ADDRESS):
        assert (
            client.post(reverse("password_reset"), {"email": "x@test.example"}).status_code == 302
        )
    response = client.post(reverse("password_reset"), {"email": "x@test.example"})
    assert response.status_code == 200
    assert "Det er bedt om nytt passord for mange ganger" in response.content.decode()
    # Another address from the same client is still served.
    assert client.post(reverse("password_reset"), {"email": "y@test.example"}).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert (
            client.post(reverse("password_reset"), {"email": "x@test.example"}).status_code == 302
        )


def test_reset_requests_are_limited_per_client(client, people, settings):
    settings.PASSWORD_RESET_MAX_PER_CLIENT = 4
    for n in range(4):
        client.post(reverse("password_reset"), {"email": f"n{n}@test.example"})
    response = client.post(reverse("password_reset"), {"email": "employee@test.example"})
    assert "for mange ganger" in response.content.decode()
    other = Client(REMOTE_ADDR="192.0.2.50")
    assert other.post(reverse("password_reset"), {"email": "z@test.example"}).status_code == 302


def test_a_run_of_changes_is_confirmed_by_the_address_before_the_first(people, settings):
    from samtale.accounts.services import email_change_hold

    start = timezone.now()
    with time_machine.travel(start):
        _change_email(people, "first@admin.example")
    # Changed again just before the first change's hold ends: the run goes on.
    hold = timedelta(hours=settings.SAMTALE_EMAIL_CHANGE_HOLD_HOURS)
    with time_machine.travel(start + hold - timedelta(hours=1)):
        _change_email(people, "second@admin.example")
    with time_machine.travel(start + hold + timedelta(hours=1)):
        assert email_change_hold(people.employee).ask == "employee@test.example"
    # A change the old address confirmed ends the run: the next one asks its new address.
    EmailChange.objects.filter(new_email="first@admin.example").update(confirmed_at=start)
    with time_machine.travel(start + hold + timedelta(hours=1)):
        assert email_change_hold(people.employee).ask == "first@admin.example"


def test_hr_releases_a_hold_when_the_old_address_is_gone(
    client, client_for, people, django_capture_on_commit_callbacks
):
    _change_email(people)
    change = EmailChange.objects.get()
    # The one who made the change cannot release it.
    assert (
        client_for("admin").post(reverse("email_change_release", args=[change.pk])).status_code
        == 403
    )
    hr = client_for("hr")
    page = hr.get(reverse("role_changes"), {"vis": "epost"}).content.decode()
    assert "Venter på den gamle adressen" in page and "Frigi" in page
    response = hr.post(reverse("email_change_release", args=[change.pk]), follow=True)
    assert "uten å vente" in response.content.decode()
    change.refresh_from_db()
    assert change.released_by == people.hr
    mail.outbox.clear()
    _ask_reset(client, TAKEN, django_capture_on_commit_callbacks)
    assert len(_reset_links(TAKEN)) == 1
    # Released once; a second release says so.
    response = hr.post(reverse("email_change_release", args=[change.pk]), follow=True)
    assert "allerede bekreftet eller frigitt" in response.content.decode()
