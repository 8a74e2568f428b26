"""A hand-over waiting on a new leader's home: Maria Pedersen, a teacher, came from Ola
Berg to Silje Moen two days ago, by the person form (Nils Jensen). Her conversation not yet
held (invited) moved to Silje, at the same time if she was free then, and Maria is asked
whether her open actions from last year pass to Silje. Silje's home (silje.moen@…, the
demo password) says so; Maria's says where her conversation went.

The roster already gives her Silje as line manager (org.HANDED_OVER), so that a second load
changes nothing; her conversations were held with Ola (conversations._team asks
reports_before). Made after the round (demo_data), whose holder and conversation follow the
change as they would. Fjordvik only. Loaded once: a second run finds the change.
"""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from samtale.demo import org as org_demo
from samtale.org.models import LeaderChange, Person
from samtale.org.services import leader_changes_record

PERSON, EARLIER, NEW = org_demo.HANDED_OVER
PROFILE = "fjordvik"


def reports_before(leader: Person) -> QuerySet[Person]:
    """The leader's active reports before the hand-over, for whom the demo writes the
    conversations held so far."""
    reports = Person.objects.filter(manager=leader, is_active=True)
    if org_demo.profile().slug != PROFILE:
        return reports
    if leader.employee_number == NEW:
        return reports.exclude(employee_number=PERSON)
    if leader.employee_number == EARLIER:
        return Person.objects.filter(
            Q(manager=leader) | Q(employee_number=PERSON, email__endswith=f"@{org_demo.domain()}"),
            is_active=True,
        )
    return reports


def load() -> int:
    """Make the change of line manager, as the administrator's form makes it, unless it was
    made. Returns how many conversations it moved."""
    if org_demo.profile().slug != PROFILE:
        return 0
    person = org_demo.person(PERSON)
    if LeaderChange.objects.filter(person=person).exists():
        return 0
    earlier, new = org_demo.person(EARLIER), org_demo.person(NEW)
    admin = org_demo.logins()["admin"]
    (change,) = leader_changes_record(
        actor=admin,
        changes={person.pk: (earlier.pk, new.pk)},
        via=LeaderChange.Via.FORM,
    )
    LeaderChange.objects.filter(pk=change.pk).update(at=timezone.now() - timedelta(days=2))
    return len(change.moved)
