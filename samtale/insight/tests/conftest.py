import pytest

from samtale.org.models import Person, Unit
from testkit.people import goals_version


@pytest.fixture
def org(db):
    """An enterprise with two teams, and a leader."""
    top = Unit.objects.create(code="V", name="Virksomhet", kind="enterprise")
    a = Unit.objects.create(code="A", name="Team A", kind="team", parent=top)
    b = Unit.objects.create(code="B", name="Team B", kind="team", parent=top)
    leader = Person.objects.create(email="leder@x.example", first_name="L", last_name="Leder")
    return {"top": top, "a": a, "b": b, "leader": leader, "version": goals_version()}
