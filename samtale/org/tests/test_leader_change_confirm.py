"""A new line manager on the person form is saved in two steps when it would move something:
the form first says what (counts and times, never content), and saves when confirmed; the
message then says what moved (issue 61, a new leader told)."""

import re

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from samtale.actions.tests.test_handover import World, signed_in
from samtale.conversations.models import Conversation
from samtale.org.models import LeaderChange, Person
from tests.content_paths.walk import page_form, person_form

MARKERS = ("EMPLOYEE-NOTE", "LEADER-NOTE", "SUMMARY-MARKER", "HELD-GOAL", "HELD-ACTION", "Rom 1")


def _ask(people):
    admin = signed_in(people.admin)
    data = person_form(admin, {"manager_sok": people.other_leader.email}, people.employee)
    url = reverse("person_edit", args=[people.employee.pk])
    return admin, url, admin.post(url, data)


def test_a_new_line_manager_that_moves_something_asks_first(people):
    world = World(people)
    _admin, _url, response = _ask(people)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ikke lagret ennå" in body and 'name="handover_seen"' in body
    at = date_format(timezone.localtime(world.planned.scheduled_at), "d.m. H:i")
    new, what = people.other_leader.full_name, world.planned.guide_version.display_name
    assert f"{what}, {at} (Invitert), flyttes til {new}:" in body
    assert "Uten stedet, som Leif Testesen valgte" in body
    assert f"holdt {date_format(timezone.localtime(world.held.held_at), 'd.m. H:i')}" in body
    assert f"2 åpne tiltak går over til {new} hvis {people.employee.first_name} sier ja" in body
    assert not any(marker in body for marker in MARKERS)
    # Nothing is saved yet.
    assert Person.objects.get(pk=people.employee.pk).manager == people.leader
    assert not LeaderChange.objects.exists()
    assert Conversation.objects.get(pk=world.planned.pk).status == Conversation.Status.INVITED


def test_confirmed_it_saves_and_says_what_moved(people):
    world = World(people)
    admin, url, response = _ask(people)
    confirmed = admin.post(url, page_form(response, "first_name"))
    assert confirmed.status_code == 302
    assert Person.objects.get(pk=people.employee.pk).manager == people.other_leader
    change = LeaderChange.objects.get(person=people.employee)
    assert [old for old, _new in change.moved] == [world.planned.pk]
    said = " ".join(str(m) for m in get_messages(confirmed.wsgi_request))
    new, what = people.other_leader.full_name, world.planned.guide_version.display_name
    at = date_format(timezone.localtime(world.planned.scheduled_at), "d.m. H:i")
    assert said.startswith("Endringene er lagret.")
    assert f"{what}, {at}, ble avlyst og flyttet til {new}." in said
    assert f"blir spurt om 2 åpne tiltak skal gå over til {new}" in said


def test_what_would_move_changed_since_the_warning_asks_again(people):
    world = World(people)
    admin, url, response = _ask(people)
    data = page_form(response, "first_name")
    Conversation.objects.create(
        employee=people.employee,
        leader=people.leader,
        guide_version=world.planned.guide_version,
        status=Conversation.Status.PLANNED,
    )
    again = admin.post(url, data)
    assert again.status_code == 200
    assert "uten tidspunkt (Planlagt), flyttes til" in again.content.decode()
    assert Person.objects.get(pk=people.employee.pk).manager == people.leader


def test_a_change_that_moves_nothing_saves_at_once(people):
    admin = signed_in(people.admin)
    data = person_form(admin, {"manager_sok": people.other_leader.email}, people.employee)
    response = admin.post(reverse("person_edit", args=[people.employee.pk]), data)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Endringene er lagret."]
    assert Person.objects.get(pk=people.employee.pk).manager == people.other_leader


def test_a_refused_change_is_refused_before_it_asks(people):
    World(people)
    admin = signed_in(people.admin)
    data = person_form(admin, {"manager_sok": people.admin.email}, people.employee)
    body = admin.post(reverse("person_edit", args=[people.employee.pk]), data).content.decode()
    assert "Du kan ikke gjøre deg selv til noens nærmeste leder" in body
    assert "handover_seen" not in body


def test_the_warning_is_for_the_administrator_only(people):
    World(people)
    leader = signed_in(people.leader)
    url = reverse("person_edit", args=[people.employee.pk])
    assert leader.post(url, {"manager_sok": people.other_leader.email}).status_code in (403, 404)
    assert re.search("handover", leader.get(url).content.decode()) is None
