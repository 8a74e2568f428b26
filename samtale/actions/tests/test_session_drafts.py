"""The action forms whose typed text outlives an ended session (static/js/session.js keeps
the text of a form marked data-draft and puts it back after sign-in)."""

from django.urls import reverse

from samtale.actions.tests.conftest import days


def test_the_update_form_on_my_actions_keeps_its_text_through_a_session_end(
    client_for, people, signed
):
    conversation = signed(people.employee, people.leader, [(days(5), "employee", "in_progress")])
    action = conversation.goals.get().actions.get()
    body = client_for("employee").get(reverse("my_actions")).content.decode()
    assert f'action="/tiltak/{action.pk}/oppdater/" data-draft hx-post=' in body


def test_the_update_form_on_the_action_page_keeps_its_text_through_a_session_end(
    client_for, people, signed
):
    conversation = signed(people.employee, people.leader, [(days(5), "employee", "in_progress")])
    action = conversation.goals.get().actions.get()
    body = client_for("employee").get(reverse("action_detail", args=[action.pk])).content.decode()
    assert f'action="/tiltak/{action.pk}/oppdater/" class="narrow" novalidate data-draft>' in body


def test_the_update_card_in_the_follow_up_keeps_its_text_through_a_session_end(
    client_for, people, signed
):
    conversation = signed(people.employee, people.leader, [(days(5), "employee", "in_progress")])
    action = conversation.goals.get().actions.get()
    fragment = client_for("leader").get(
        reverse("follow_up_person", args=[people.employee.pk]), headers={"HX-Request": "true"}
    )
    assert (
        f'action="/tiltak/{action.pk}/oppdater/" data-draft hx-post=' in fragment.content.decode()
    )
