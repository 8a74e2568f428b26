import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from samtale.core import access
from samtale.org import policy as org_policy
from samtale.org.models import Person


def _names(qs):
    return {p.first_name for p in qs}


def test_an_employee_sees_only_themselves(people):
    assert _names(org_policy.people_visible_to(people.employee)) == {"Emma"}


def test_a_leader_sees_themselves_and_their_reports(people):
    assert _names(org_policy.people_visible_to(people.leader)) == {"Leif", "Emma"}


def test_a_leaders_leader_sees_everyone_below_them_in_the_line(people):
    assert _names(org_policy.people_visible_to(people.leaders_leader)) == {
        "Lea",
        "Leif",
        "Olga",
        "Emma",
        "Espen",
    }


def test_hr_and_administrators_see_everyone(people):
    assert org_policy.people_visible_to(people.hr).count() == Person.objects.count()
    assert org_policy.people_visible_to(people.admin).count() == Person.objects.count()


def test_anonymous_and_inactive_people_see_nobody(people):
    from django.contrib.auth.models import AnonymousUser

    assert not org_policy.people_visible_to(AnonymousUser()).exists()
    people.leader.is_active = False
    assert not org_policy.people_visible_to(people.leader).exists()


def test_a_deep_line_is_walked_to_the_bottom(people):
    below = people.employee
    for n in range(6):
        below = Person.objects.create_user(
            f"deep{n}@test.example", None, first_name=f"Deep{n}", last_name="X", manager=below
        )
    assert below in org_policy.people_visible_to(people.leaders_leader)


def test_a_cycle_in_the_line_does_not_hang(people):
    # Data from outside can be wrong; the policy must still answer.
    Person.objects.filter(pk=people.leaders_leader.pk).update(manager=people.employee)
    visible = _names(org_policy.people_visible_to(people.leader))
    assert {"Leif", "Emma", "Lea"} <= visible


def test_get_person_for_hides_what_the_user_may_not_see(people):
    with pytest.raises(Http404):
        org_policy.get_person_for(people.other_leader, people.employee.pk)
    with pytest.raises(Http404):
        org_policy.get_person_for(people.leader, "not-a-number")


def test_get_person_for_refuses_a_change_the_user_may_only_read(people):
    assert org_policy.get_person_for(people.leader, people.employee.pk) == people.employee
    with pytest.raises(PermissionDenied):
        org_policy.get_person_for(people.leader, people.employee.pk, write=True)
    assert (
        org_policy.get_person_for(people.admin, people.employee.pk, write=True) == people.employee
    )


def test_roles_are_facts_of_the_line(people):
    assert access.roles_for(people.leader).is_leader
    assert not access.roles_for(people.leader).is_leaders_leader
    assert access.roles_for(people.leaders_leader).is_leaders_leader
    assert not access.roles_for(people.employee).is_leader


def test_the_signed_in_person_is_loaded_with_the_same_line_the_policy_walks(people):
    """accounts.backends loads the user with their direct reports in one statement; the roles
    it gives are exactly those of the level-by-level walk, for everyone in the line."""
    deeper = Person.objects.create(
        email="deep@example.test", first_name="Dag", manager=people.employee
    )
    for person in [*Person.objects.all(), deeper]:
        loaded = access.person_with_line(person.pk)
        assert loaded == person
        plain = Person.objects.get(pk=person.pk)
        assert access.roles_for(loaded) == access.roles_for(plain), person.first_name
    assert access.roles_for(access.person_with_line(people.leaders_leader.pk)).subordinate_ids >= {
        deeper.pk
    }
    assert access.person_with_line(10**9) is None


def test_a_line_of_two_levels_is_known_from_the_one_statement(people, django_assert_num_queries):
    """A leader's leader whose leaders lead only employees (the usual municipality: a head
    of sector, the units' leaders, their staff) needs no walk: one statement in all."""
    with django_assert_num_queries(1):
        roles = access.roles_for(access.person_with_line(people.leaders_leader.pk))
    assert roles.is_leaders_leader and people.employee.pk in roles.subordinate_ids


def test_a_session_user_is_loaded_by_the_person_backend(people, client):
    client.force_login(people.leader)
    response = client.get("/")
    user = response.wsgi_request.user
    assert user.pk == people.leader.pk
    assert user.line_direct_ids == str(people.employee.pk)  # loaded with the line, no walk
    assert access.roles_for(user).direct_report_ids == {people.employee.pk}


def test_section_capabilities(people):
    assert [
        access.may_list_people(getattr(people, r)) for r in ("employee", "leader", "hr", "admin")
    ] == [
        False,
        True,
        True,
        True,
    ]
    assert [access.may_list_units(getattr(people, r)) for r in ("leader", "hr", "admin")] == [
        False,
        True,
        True,
    ]
    assert [access.may_manage_org(getattr(people, r)) for r in ("leader", "hr", "admin")] == [
        False,
        False,
        True,
    ]


def test_a_signed_out_htmx_request_is_sent_to_the_login_page_as_a_whole(client, people):
    from django.urls import reverse

    response = client.get(reverse("person_list"), headers={"HX-Request": "true"})
    assert response.status_code == 401  # htmx goes by HX-Redirect and swaps nothing
    assert response.headers["HX-Redirect"].startswith(reverse("login"))
