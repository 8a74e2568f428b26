import json
import re

from django.apps import apps
from django.urls import reverse

from samtale.actions.models import Goal
from samtale.conversations.models import Conversation, Note
from samtale.conversations.services import lifecycle, preparation, summary
from samtale.signing import services as signing

JSON = {"Accept": "application/json"}


def test_a_leader_plans_with_a_norwegian_date_and_time(client_for, people, guide_version):
    response = client_for("leader").post(
        reverse("conversation_create"),
        {
            "employee": people.employee.pk,
            "leader": people.leader.pk,
            "guide": guide_version.guide.pk,
            "date": "16.12.2030",
            "time": "13:30",
            "duration_minutes": "",
            "place": "Møterom 2",
        },
    )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("conversation_detail", args=[conversation.pk])
    local = conversation.scheduled_at.astimezone()
    assert (local.day, local.month, local.hour, local.minute) == (16, 12, 13, 30)
    assert conversation.duration_minutes == 90


def test_the_plan_form_offers_only_people_below_the_leader(client_for, people, guide_version):
    leader = client_for("leader")
    page = leader.get(reverse("conversation_create")).content.decode()
    assert people.employee.full_name not in page  # the form lists no one: it searches
    search = reverse("pick", args=["plan-employee"]) + "?q=Testesen"
    found = leader.get(search).content.decode()
    assert people.employee.full_name in found
    assert people.other_employee.full_name not in found


def test_bad_planning_input_gets_a_message_and_plans_nothing(client_for, people, guide_version):
    response = client_for("leader").post(
        reverse("conversation_create"),
        {
            "employee": people.employee.pk,
            "leader": people.leader.pk,
            "guide": guide_version.guide.pk,
            "date": "15.12.2030",
            "time": "",
            "duration_minutes": "5",
        },
    )
    assert response.status_code == 200
    assert "<ds-error-summary" in response.content.decode()
    assert not Conversation.objects.exists()


def test_planning_a_second_annual_conversation_links_to_the_first(
    client_for, people, guide_version
):
    data = {
        "employee": people.employee.pk,
        "leader": people.leader.pk,
        "guide": guide_version.guide.pk,
        "date": "",
        "time": "",
        "duration_minutes": "",
    }
    leader = client_for("leader")
    assert leader.post(reverse("conversation_create"), data).status_code == 302
    [first] = Conversation.objects.all()
    again = leader.post(reverse("conversation_create"), data)
    body = again.content.decode()
    assert again.status_code == 200 and "<ds-error-summary" in body
    assert f'href="{reverse("conversation_detail", args=[first.pk])}"' in body
    assert Conversation.objects.count() == 1


def test_no_model_has_a_salary_field():
    words = ("salary", "wage", "lonn", "lønn", "pay")
    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("org", "conversations", "actions", "guides")
        for field in model._meta.get_fields()
    ]
    assert not [f for f in fields if any(w in f.lower().split(".")[1] for w in words)]


def test_the_conversation_page_reminds_that_difficult_matters_are_a_separate_conversation(
    client_for, conversation
):
    body = (
        client_for("employee")
        .get(reverse("conversation_detail", args=[conversation.pk]))
        .content.decode()
    )
    assert "Difficult matters belong in a separate conversation" in body or "egen samtale" in body


def test_autosave_answers_json_with_the_new_version(client_for, conversation):
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    response = client_for("employee").post(
        url, {"text": "Første utkast", "version": 0}, headers=JSON
    )
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert Note.objects.get().text == "Første utkast"


def test_autosave_on_an_old_version_answers_409_with_both_texts_in_reach(client_for, conversation):
    client = client_for("employee")
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    client.post(url, {"text": "Fra fane én", "version": 0}, headers=JSON)
    response = client.post(url, {"text": "Fra fane to", "version": 0}, headers=JSON)
    assert response.status_code == 409
    data = response.json()
    assert data["conflict"] and data["theirs"] == "Fra fane én" and data["version"] == 1
    assert Note.objects.get().text == "Fra fane én"


def test_without_javascript_the_save_button_posts_and_comes_back(client_for, conversation):
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    response = client_for("employee").post(url, {"text": "Uten JS", "version": 0})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/forberedelse/#tema-motivasjon")


def test_an_expired_session_does_not_save_and_the_script_is_told(client, conversation):
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    response = client.post(url, {"text": "Tapt?", "version": 0}, headers=JSON)
    assert response.status_code == 302  # to the login page; the script says so, keeps nothing
    assert not Note.objects.exists()


def test_every_draft_in_the_browser_is_kept_under_the_prefix_sign_out_removes(
    client_for, people, conversation
):
    body = client_for("employee").get(reverse("preparation", args=[conversation.pk])).content
    keys = re.findall(r'data-storage="([^"]*)"', body.decode())
    # One per theme the employee writes in; the key holds the person, so one person's draft
    # never comes back on another's page. static/js/drafts.js removes every "samtale:" key.
    note_url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    assert f"samtale:{people.employee.pk}{note_url}" in keys
    assert keys and all(key.startswith(f"samtale:{people.employee.pk}/") for key in keys)


def test_the_leader_never_sees_the_employees_draft(client_for, people, conversation):
    preparation.note_save(
        actor=people.employee,
        conversation=conversation,
        theme_key="motivasjon",
        text="Hemmelig utkast",
        base_version=0,
    )
    for page in ("preparation", "meeting", "conversation_detail"):
        body = client_for("leader").get(reverse(page, args=[conversation.pk])).content.decode()
        assert "Hemmelig utkast" not in body, page
    preparation.preparation_share_all(actor=people.employee, conversation=conversation)
    body = client_for("leader").get(reverse("meeting", args=[conversation.pk])).content.decode()
    assert "Hemmelig utkast" in body


def test_the_meeting_screen_shows_shared_notes_only_even_ones_own(client_for, people, conversation):
    preparation.note_save(
        actor=people.leader,
        conversation=conversation,
        theme_key="motivasjon",
        text="Mitt private",
        base_version=0,
    )
    body = client_for("leader").get(reverse("meeting", args=[conversation.pk])).content.decode()
    assert "Mitt private" not in body


def test_htmx_toggles_answer_with_a_status_line(client_for, conversation):
    response = client_for("employee").post(
        reverse("theme_cover", args=[conversation.pk]),
        {"key": "motivasjon", "done": "on"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert Conversation.objects.get(pk=conversation.pk).covered_themes == ["motivasjon"]


def test_the_talk_time_endpoint_answers_the_leaders_share(client_for, conversation):
    response = client_for("leader").post(
        reverse("talk_time", args=[conversation.pk]),
        {"leader_seconds": 300, "employee_seconds": 700},
        headers=JSON,
    )
    assert json.loads(response.content) == {"leader_share": 30}


def test_a_goal_added_with_htmx_comes_back_in_the_goals_fragment(client_for, conversation):
    response = client_for("employee").post(
        reverse("goal_add", args=[conversation.pk]),
        {
            "text": "Lære fagsystemet",
            "action_text": "Kurs i januar",
            "deadline": "",
            "responsible": "employee",
        },
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'id="goals"' in body and "<html" not in body
    assert "Lære fagsystemet" in body and "Kurs i januar" in body
    assert Goal.objects.get().actions.get().text == "Kurs i januar"


def test_a_goal_without_text_gets_a_message_in_the_fragment(client_for, conversation):
    response = client_for("employee").post(
        reverse("goal_add", args=[conversation.pk]),
        {"text": "", "responsible": "employee"},
        headers={"HX-Request": "true"},
    )
    assert "<ds-error-summary" in response.content.decode()
    assert not Goal.objects.exists()


def test_the_reviewer_sees_the_summary_only_when_it_is_sent(client_for, people, conversation):
    lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    c = Conversation.objects.get(pk=conversation.pk)
    summary.summary_save(
        actor=people.employee, conversation=c, text="Min oppsummering", base_version=0
    )
    assert (
        "Min oppsummering"
        not in client_for("leader").get(reverse("summary", args=[c.pk])).content.decode()
    )
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion="no_actions", shared_outside=""
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    assert (
        "Min oppsummering"
        in client_for("leader").get(reverse("summary", args=[c.pk])).content.decode()
    )


def _sign(people, conversation, shared_outside):
    lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    c = Conversation.objects.get(pk=conversation.pk)
    summary.summary_save(
        actor=people.employee, conversation=c, text="Konfidensielt innhold", base_version=0
    )
    _agree_and_sign(people, c, shared_outside)
    return c


def _agree_and_sign(people, c, shared_outside):
    """The employee concludes, sharing `shared_outside`; the leader approves; both sign."""
    summary.summary_conclusion_set(
        actor=people.employee,
        conversation=c,
        conclusion="no_actions",
        shared_outside=shared_outside,
    )
    summary.summary_submit(actor=people.employee, conversation=c)
    summary.summary_approve(actor=people.leader, conversation=c)
    signing.conversation_sign(actor=people.employee, conversation=Conversation.objects.get(pk=c.pk))
    signing.conversation_sign(actor=people.leader, conversation=Conversation.objects.get(pk=c.pk))


def test_after_signing_the_employee_is_asked_once(client_for, people, conversation):
    c = _sign(people, conversation, "")
    client = client_for("employee")
    assert 'id="tilbakemelding"' in client.get(reverse("summary", args=[c.pk])).content.decode()
    assert (
        'id="tilbakemelding"'
        not in client_for("leader").get(reverse("summary", args=[c.pk])).content.decode()
    )
    client.post(reverse("feedback_give", args=[c.pk]), {"rating": 5})
    assert 'id="tilbakemelding"' not in client.get(reverse("summary", args=[c.pk])).content.decode()


def test_hr_reads_only_what_the_conclusion_shares_and_the_read_is_logged(
    client_for, people, conversation
):
    from samtale.core.models import AuditEntry

    _sign(people, conversation, "Behov for kurs i fagsystemet kan meldes til HR.")
    body = client_for("hr").get(reverse("shared_conclusions")).content.decode()
    assert "Behov for kurs i fagsystemet" in body
    assert "Konfidensielt innhold" not in body
    entry = AuditEntry.objects.get(action="conversation.read")
    assert entry.actor == people.hr and entry.object_id == str(conversation.pk)
    assert entry.data == {"as": "hr", "what": "shared_conclusion"}


def test_a_conclusion_that_shares_nothing_is_not_listed_for_hr(client_for, people, conversation):
    _sign(people, conversation, "")
    body = client_for("hr").get(reverse("shared_conclusions")).content.decode()
    assert people.employee.full_name not in body


def test_a_refused_conclusion_keeps_what_was_written_about_sharing(
    client_for, people, conversation
):
    lifecycle.conversation_hold(actor=people.leader, conversation=conversation, confirmed=True)
    response = client_for("employee").post(
        reverse("summary_conclusion", args=[conversation.pk]),
        {"conclusion": "actions", "shared_outside": "Kursbehovet kan meldes til HR"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kursbehovet kan meldes til HR" in body and "<ds-error-summary" in body
    assert (
        summary.summary_current(Conversation.objects.get(pk=conversation.pk)).shared_outside == ""
    )


def test_feedback_without_a_rating_keeps_the_comment(client_for, people, conversation):
    c = _sign(people, conversation, "")
    response = client_for("employee").post(
        reverse("feedback_give", args=[c.pk]), {"comment": "Nyttig samtale"}
    )
    assert response.status_code == 400
    assert "Nyttig samtale" in response.content.decode()


def _correct(people, conversation, shared_outside):
    """Both agree and sign a correction of the signed summary that shares `shared_outside`."""
    summary.summary_revise(
        actor=people.employee,
        conversation=Conversation.objects.get(pk=conversation.pk),
        reason="Konklusjonen må rettes",
    )
    _agree_and_sign(people, Conversation.objects.get(pk=conversation.pk), shared_outside)


def test_hr_no_longer_sees_text_a_signed_correction_withdraws(client_for, people, conversation):
    _sign(people, conversation, "Behov for kurs i fagsystemet kan meldes til HR.")
    _correct(people, conversation, "")
    assert Conversation.objects.get(pk=conversation.pk).status == Conversation.Status.SIGNED
    body = client_for("hr").get(reverse("shared_conclusions")).content.decode()
    assert "Behov for kurs i fagsystemet" not in body
    assert people.employee.full_name not in body


def test_hr_sees_only_the_text_of_the_correction_in_force(client_for, people, conversation):
    _sign(people, conversation, "Behov for kurs i fagsystemet kan meldes til HR.")
    _correct(people, conversation, "Behov for veiledning kan meldes til HR.")
    body = client_for("hr").get(reverse("shared_conclusions")).content.decode()
    assert "Behov for veiledning" in body
    assert "Behov for kurs i fagsystemet" not in body
    assert body.count(people.employee.full_name) == 1


def test_until_a_correction_is_signed_by_both_the_signed_text_stays_in_force(
    client_for, people, conversation
):
    _sign(people, conversation, "Behov for kurs i fagsystemet kan meldes til HR.")
    summary.summary_revise(
        actor=people.employee,
        conversation=Conversation.objects.get(pk=conversation.pk),
        reason="Konklusjonen må rettes",
    )
    c = Conversation.objects.get(pk=conversation.pk)
    summary.summary_conclusion_set(
        actor=people.employee, conversation=c, conclusion="no_actions", shared_outside="Utkast"
    )
    body = client_for("hr").get(reverse("shared_conclusions")).content.decode()
    assert "Behov for kurs i fagsystemet" in body
    assert "Utkast" not in body
