"""The administrator never reads conversation content, by any path.

PRODUCT.md: an administrator sees organization, people, templates and settings, and never
conversation content, "by any path: no one changes their own roles, and an e-mail change is
told to the old address".

The setup writes every text a conversation can hold as a distinct marker (MARKER-A-summary,
MARKER-B-review-comment-v1, and so on): notes shared and private, the summary and its
correction, the reviewer's comments, what the conclusion shares outside the two, goals,
actions, their updates, results and the employee's feedback, the reasons for postponing and
cancelling, the places, and a round's own texts. Likert answers and the leader's checklist
are numbers; no marker can stand for them.

Then the administrator walks every URL the resolver serves, with every id of its kind, as
GET (plain, htmx, and the query strings the pages read) and as an empty POST. A marker in
any body, header or flash message is a leak; so is one in mail to the administrator. Last,
the administrator tries to widen what they may read: their own roles, a line manager's
place (by the form and by an import), an employee's e-mail address (once, and twice), a
stand-in leader, a new HR user, and markup in a template the parties read.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion
from samtale.notifications.models import OutboundEmail
from samtale.org.models import ImportBatch, LeaderChange, Person
from samtale.org.tests.import_rows import roster
from testkit.people import PASSWORD
from tests.content_paths.markers import MAILED, MARKER, free_text_fields
from tests.content_paths.walk import (
    admin_mail_leaks,
    assert_no_conversation_reads,
    change_address,
    conversation_pages,
    every_request,
    every_url,
    import_people,
    link_in,
    new_person,
    page_form,
    person_form,
    person_save,
    plan_conversation,
    signed_in,
    take_over,
    walk,
)
from tests.content_paths.world import (
    ADMIN_MAILBOX,
    DAILY_JOBS,
    build_world,
    exposed,
    mail_text,
    markers_in,
)


@pytest.fixture
def world(people, django_capture_on_commit_callbacks):
    # The e-mails each step queues are sent as they would be after its commit.
    with django_capture_on_commit_callbacks(execute=True):
        return build_world(people)


# 1. Every page, every id ---------------------------------------------------------------


@pytest.mark.walk
def test_the_admin_reads_no_content_on_any_page(world, people, django_capture_on_commit_callbacks):
    """Every URL × every id of its kind, GET (plain, htmx, with its query strings) and an
    empty POST (plain, htmx): no marker in any body, header or flash message."""
    ids = world.ids()
    urls = every_url(ids)
    with django_capture_on_commit_callbacks(execute=True):
        result = walk(people.admin, every_request(urls, fill=world.fill))
    print(
        f"\nadmin walk: {len(urls)} URLs x ids, {result.requests} requests in "
        f"{result.seconds:.1f}s; 200: {result.count(200)}, 302: {result.count(302)}, "
        f"403: {result.count(403)}, 404: {result.count(404)}, 405: {result.count(405)}, "
        f"500: {result.count(500)}"
    )
    result.assert_clean("the administrator")
    assert not admin_mail_leaks(people)
    # The walk was signed in as the administrator and reached their own pages.
    assert result.statuses[("GET", reverse("person_detail", args=[people.employee.pk]))] == 200
    assert result.statuses[("GET", reverse("role_changes") + "?vis=epost")] == 200
    conversation = world.conversations["A"]
    assert result.statuses[("GET", reverse("summary", args=[conversation]))] == 404


# Texts that no page shows to anyone, by design; the walk cannot be tested on them. Besides
# these, every marker a later text replaced (markers.Marker.replaced: the place before the
# conversation was moved), which is stored nowhere now.
SHOWN_NOWHERE = {
    # The employee's feedback counts in HR's aggregates only.
    "A-feedback-comment",
    # A signed correction replaces the shared text of the revision before it.
    "B-v1-shared-outside",
}


@pytest.mark.walk
def test_the_walk_would_see_the_markers_where_the_parties_read_them(world, people):
    """The control: the same walk, as the people who may read the content, finds the
    markers. Otherwise the administrator's clean walk would prove nothing."""
    ids = world.ids()
    content_urls = [
        (name, path)
        for name, path in every_url(ids)
        if path.startswith(
            ("/samtaler/", "/tiltak/", "/mal/", "/mine-tiltak/", "/oppfolging/", "/runder/")
        )
    ]
    seen = set()
    for role in ("employee", "leader", "other_employee", "other_leader", "leaders_leader", "hr"):
        requests = (
            (m, p, h)
            for m, p, h in every_request(content_urls, fill=world.fill, posts=False)
            if not h
        )
        result = walk(people.by_role(role), requests)
        assert result.signed_out == [], f"the walk lost the session of {role}"
        seen |= {marker for _m, _p, marker in result.leaks}
    replaced = {label for label, marker in world.markers.records.items() if marker.replaced}
    unseen = sorted(
        set(world.markers) - {m.removeprefix("MARKER-") for m in seen} - SHOWN_NOWHERE - replaced
    )
    assert unseen == [], f"no party sees these markers; the walk cannot find them: {unseen}"


# 2. E-mail --------------------------------------------------------------------------------


def test_no_mail_to_the_admin_holds_content(world, people, django_capture_on_commit_callbacks):
    """Mail the administrator gets: a role they gave, and, once they have moved the employee's
    address to their own mailbox, the employee's mail: the notice of the change, the reset
    held, a moved conversation's calendar update, and a later morning's reminder and digest.

    That mail follows the address by design (the old address is told): it carries time and
    place, never content (PRODUCT: "purpose, time, place and a link").
    """
    admin, leader = signed_in(people.admin), signed_in(people.leader)
    moved = reverse("conversation_schedule", args=[world.conversations["C"]])
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("person_create"), person_form(admin, new_person("nora", is_hr="on")))
        change_address(admin, people.employee, ADMIN_MAILBOX, via="form")
        Client().post(reverse("password_reset"), {"email": ADMIN_MAILBOX})
        leader.post(moved, page_form(leader.get(moved), "place") | {"time": "13:00"})
    later = timezone.now() + timedelta(days=6)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        for job in DAILY_JOBS:
            job.call()
    assert not OutboundEmail.objects.filter(status="queued").exists()
    to_admin = OutboundEmail.objects.filter(to=people.admin, status="sent")
    assert {"role_changed"} <= set(to_admin.values_list("kind", flat=True))
    rerouted = OutboundEmail.objects.filter(to_email=ADMIN_MAILBOX, status="sent")
    assert {
        "email_changed",
        "password_reset_held",
        "invitation_update",
        "prepare_reminder",
        "action_digest",
    } <= set(rerouted.values_list("kind", flat=True))
    # What mail carries by design: the markers stored in a field of MAILED (a conversation's
    # where), as recorded (tests/content_paths/markers.py), whatever their labels.
    where = {world.markers[label] for label in world.markers.of(fields=MAILED)}
    assert "MARKER-C-place-moved" in where and "MARKER-A-leader-workplace-goals" not in where
    assert [leak for leak in admin_mail_leaks(people) if leak[1] not in where] == []


def test_every_text_field_of_a_conversation_holds_a_marker_in_the_world(world):
    """The leak tests see a text only if the world writes one: each field of the
    conversation models that holds free text (markers.free_text_fields) holds a marker, but
    those listed here with the reason the world cannot write them."""
    unwritten = {
        # A signed summary withdrawn (archive): the world signs and corrects, never withdraws.
        "conversations.SummaryRevision.withdrawn_reason",
        # The register's comment on a shared need's status: HR's, written on the register's
        # pages when they handle the need, never in a conversation.
        "needs.NeedChange.comment",
    }
    written = {name for r in world.markers.records.values() for name in r.fields}
    fields = {name for name, _model, _field in free_text_fields()}
    assert sorted(fields - written - unwritten) == []
    assert unwritten <= fields - written


def test_the_audit_log_holds_none_of_what_was_written(world):
    """The world is written through the services, each step logged: the log says who did
    what to which record, never a text (the data processing agreement says so)."""
    from samtale.core.audit import audit_log
    from samtale.core.models import AuditEntry

    entries = list(AuditEntry.objects.values_list("action", "data"))
    assert len(entries) > 50 and len({action for action, _data in entries}) > 20

    def holding():
        rows = AuditEntry.objects.values_list("action", "data")
        return [action for action, data in rows if MARKER.search(str(data))]

    assert holding() == []
    # The check sees what it guards against: an entry that carried a text.
    audit_log(actor=None, action="planted", text="MARKER-planted")
    assert holding() == ["planted"]


# 3. Widening what they may read ------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [{"is_hr": "on"}, {"is_org_admin": None}, {"is_hr": "on", "is_org_admin": None}],
    ids=["ticks-hr", "unticks-admin", "both"],
)
def test_the_admin_cannot_change_their_own_roles(
    people, changes, django_capture_on_commit_callbacks
):
    admin = signed_in(people.admin)
    url = reverse("person_edit", args=[people.admin.pk])
    page = admin.get(url).content.decode()
    # The page shows the boxes disabled; the post below is made by hand past that.
    assert re.search(r'<input[^>]*name="is_hr"[^>]*disabled', page)
    data = person_form(admin, changes, people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, data)
    assert response.status_code in (200, 302)
    me = Person.objects.get(pk=people.admin.pk)
    assert (me.is_hr, me.is_org_admin) == (False, True)
    assert not OutboundEmail.objects.filter(kind="role_changed").exists()
    assert admin.get(reverse("shared_conclusions")).status_code == 403


@pytest.mark.parametrize("ref", ["email", "employee_number"])
def test_the_admin_cannot_make_themselves_the_employees_line_manager(
    world, people, ref, django_capture_on_commit_callbacks
):
    admin = signed_in(people.admin)
    data = person_form(admin, {"manager_sok": getattr(people.admin, ref)}, people.employee)
    response = admin.post(reverse("person_edit", args=[people.employee.pk]), data)
    assert response.status_code == 200
    assert "Du kan ikke gjøre deg selv til noens nærmeste leder" in response.content.decode()
    assert Person.objects.get(pk=people.employee.pk).manager == people.leader
    assert_no_conversation_reads(world, admin)


def test_the_admin_cannot_make_themselves_a_line_manager_by_import(world, people):
    admin = signed_in(people.admin)
    rows = [[*r[:10], "106"] if r[0] == "103" else r for r in roster()]
    batch = import_people(admin, rows)
    assert batch.status != ImportBatch.Status.APPLIED
    assert "nærmeste leder" in admin.get(reverse("import_detail", args=[batch.pk])).content.decode()
    assert Person.objects.get(pk=people.employee.pk).manager == people.leader
    assert_no_conversation_reads(world, admin)


@pytest.mark.parametrize("via", ["form", "import"])
def test_an_address_changed_by_the_admin_gets_no_working_reset_link(
    people, via, django_capture_on_commit_callbacks
):
    """The administrator moves the employee's address to their own mailbox and asks for a
    new password there: the reset waits for the old address, the employee's session ends,
    and a link mailed before the change is dead."""
    employee = Client()
    login = employee.post(
        reverse("login"), {"username": people.employee.email, "password": PASSWORD}
    )
    assert login.status_code == 302 and employee.get(reverse("home")).status_code == 200
    old = people.employee.email
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": old})
    earlier_link = link_in(mail.outbox[-1], "/passord/ny/")
    mail.outbox.clear()

    admin = signed_in(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        change_address(admin, people.employee, ADMIN_MAILBOX, via=via)
    told = {(m.to[0], m.subject) for m in mail.outbox}
    assert {to for to, _subject in told} == {old, ADMIN_MAILBOX}, told
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("password_reset"), {"email": ADMIN_MAILBOX})
    assert response.status_code == 302
    to_new = [m for m in mail.outbox if ADMIN_MAILBOX in m.to]
    to_old = [m for m in mail.outbox if old in m.to]
    assert len(to_new) == 1 and "venter på en bekreftelse" in to_new[0].subject
    assert "/passord/ny/" not in mail_text(to_new[0])
    assert "/passord/bekreft/" not in mail_text(to_new[0])
    assert len(to_old) == 1 and link_in(to_old[0], "/passord/bekreft/")
    assert len(mail.outbox) == 2
    assert take_over({ADMIN_MAILBOX}, ADMIN_MAILBOX, django_capture_on_commit_callbacks) is None

    # The employee's session ended with the change of address.
    assert employee.get(reverse("home")).status_code == 302
    # The link mailed before the change no longer sets a password.
    stranger = Client()
    response = stranger.get(earlier_link, follow=True)
    assert response.context["validlink"] is False
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else earlier_link
    new = "the-admin-chose-this-9"
    stranger.post(form_url, {"new_password1": new, "new_password2": new})
    person = Person.objects.get(pk=people.employee.pk)
    assert person.check_password(PASSWORD) and not person.check_password(new)


@pytest.mark.parametrize("via", ["form", "import"])
def test_moving_an_address_twice_still_needs_the_employees_own_address_to_confirm(
    world, people, via, django_capture_on_commit_callbacks
):
    """The hold on a reset asks the address before the change. Moved twice, from the
    employee's address to one the administrator reads and on to another, the address
    before the last change is the administrator's own: the reset must still wait for the
    employee's address, and nothing that reaches the administrator may sign in as them."""
    first, second = ADMIN_MAILBOX, "adam.andre@admin-controlled.example"
    admin = signed_in(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        change_address(admin, people.employee, first, via=via)
        change_address(admin, people.employee, second, via=via)
        Client().post(reverse("password_reset"), {"email": second})
    taken = take_over({first, second}, second, django_capture_on_commit_callbacks)
    if taken is not None:
        pages = conversation_pages(world.conversations["A"])
        read = sorted({marker for p in pages for marker in markers_in(exposed(taken.get(p)))})
        pytest.fail(
            f"the administrator confirmed the reset at {first}, chose the employee's password "
            f"at {second}, signed in as the employee and read: {read}",
            pytrace=False,
        )
    confirmations = [m.to for m in mail.outbox if "/passord/bekreft/" in m.body]
    assert confirmations == [[people.employee.email]]


def test_a_new_hr_user_made_by_the_admin_is_told_to_every_hr_user_and_administrator(
    people, django_capture_on_commit_callbacks
):
    admin = signed_in(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("person_create"), person_form(admin, new_person("nora", is_hr="on"))
        )
    assert response.status_code == 302
    nora = Person.objects.get(email="nora.ny@test.example")
    assert nora.is_hr
    told = OutboundEmail.objects.filter(kind="role_changed")
    assert {m.to_id for m in told} == {people.hr.pk, people.admin.pk, nora.pk}
    assert {m.status for m in told} == {"sent"}
    assert {m.to[0] for m in mail.outbox} >= {people.hr.email, people.admin.email, nora.email}
    page = signed_in(people.hr).get(reverse("role_changes"))
    assert page.status_code == 200 and "Nora Ny" in page.content.decode()


@pytest.mark.walk
def test_the_admins_stand_in_line_manager_reads_no_earlier_conversation(
    world, people, django_capture_on_commit_callbacks
):
    """The administrator may make someone else the employee's line manager. A person they
    made, at an address they read, leads the employee now, and takes over the conversation
    not yet held: the earlier ones (and their actions, on the new agenda) stay hidden."""
    admin = signed_in(people.admin)
    stand_in_address = "stand-in@admin-controlled.example"
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            reverse("person_create"),
            person_form(admin, new_person("sara", email=stand_in_address)),
        )
        stand_in = Person.objects.get(email=stand_in_address)
        data = person_form(admin, {"manager_sok": stand_in_address}, people.employee)
        assert person_save(admin, people.employee, data).status_code == 302
        Client().post(reverse("password_reset"), {"email": stand_in_address})
    client = Client()
    set_password = link_in(mail.outbox[-1], "/passord/ny/")
    form_url = client.get(set_password, follow=True).redirect_chain[-1][0]
    new = "a-stand-in-password-9"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert (
        client.post(reverse("login"), {"username": stand_in_address, "password": new}).status_code
        == 302
    )
    # The annual conversation not yet held (C) moved to the stand-in, with the employee's
    # notes and answers private again and without its place (conversations.services.
    # handover): the stand-in now holds an open conversation with the employee, as one they
    # planned would be, and the walk reads its pages and its agenda.
    assert Conversation.objects.filter(leader=stand_in, employee=people.employee).count() == 1
    # The follow-up (A's open actions, its summary) waits for the employee's word.
    assert LeaderChange.objects.get(new_manager=stand_in).follow_up == "asked"

    ids = world.ids()
    result = walk(stand_in, every_request(every_url(ids), fill=world.fill, posts=False))
    result.assert_clean("the stand-in")
    assert admin_mail_leaks(people, addresses=[stand_in_address]) == []


def test_what_the_admin_writes_in_a_template_reaches_the_parties_as_text(people):
    """A template is the administrator's text on the parties' own pages, beside their notes:
    as markup, a script there could read the notes and send them on."""
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    guide = Guide.objects.get(key="innsjekk")
    script = '<script>fetch("/")</script><img src="https://evil.example/n.gif">'
    admin = signed_in(people.admin)
    edit = reverse("guide_edit", args=[guide.pk])
    written = {"description": script, "themes-0-help": script, "themes-0-prompts": script}
    assert admin.post(edit, page_form(admin.get(edit), "name") | written).status_code == 302
    conversation = plan_conversation(signed_in(people.leader), people.employee, guide)
    for person in (people.employee, people.leader):
        reader = signed_in(person)
        for name in ("conversation_detail", "preparation", "meeting"):
            response = reader.get(reverse(name, args=[conversation.pk]))
            body = response.content.decode()
            assert "<script>fetch" not in body and '<img src="https://evil' not in body, name
            assert "script-src 'self'" in response["Content-Security-Policy"]
        preparation = reader.get(reverse("preparation", args=[conversation.pk])).content.decode()
        assert "&lt;script&gt;fetch(" in preparation
