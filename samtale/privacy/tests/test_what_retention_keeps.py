"""What the retention job (privacy.services.retention_run) leaves for good: the audit log,
every entry with its hash, and a leaver's person record (name, address, employee number,
job title), once every period has run out. docs/procurement/ros.md (T12) names both as
the remaining risk; databehandleravtale.md says why the record stays."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

from samtale.core.audit import audit_log
from samtale.core.models import AuditEntry
from samtale.org.models import Person
from samtale.privacy import services
from samtale.privacy.tests.conftest import full_conversation
from samtale.privacy.tests.test_retention import texts_of

OSLO = ZoneInfo("Europe/Oslo")
HELD = date(2023, 3, 10)
LEFT = date(2023, 6, 30)
RECORD = ("first_name", "last_name", "email", "employee_number", "job_title")


def test_the_audit_log_and_a_leavers_person_record_outlive_every_period(people, version):
    with time_machine.travel(datetime(2023, 3, 1, 9, tzinfo=OSLO), tick=False):
        c = full_conversation(people.employee, people.leader, version, key="K", held=HELD)
        audit_log(actor=people.hr, action="person.update", obj=people.employee, fields=["email"])
    Person.objects.filter(pk=people.employee.pk).update(
        is_active=False, end_date=LEFT, employee_number="A-1234", job_title="Rådgiver"
    )
    record = Person.objects.values(*RECORD).get(pk=people.employee.pk)
    entries = dict(AuditEntry.objects.values_list("pk", "hash"))
    assert entries

    # The job on the first of July each year, until the leaver's and the plans' years are over.
    years = settings.SAMTALE_RETAIN_LEAVERS_YEARS + settings.SAMTALE_RETAIN_PLAN_YEARS + 1
    for year in range(2023, 2024 + years):
        with time_machine.travel(datetime(year, 7, 1, 3, tzinfo=OSLO), tick=False):
            services.retention_run()

    assert texts_of(c) == set()  # the job ran: the leaver's conversation lost its texts
    assert Person.objects.values(*RECORD).get(pk=people.employee.pk) == record
    kept = dict(AuditEntry.objects.filter(pk__in=entries).values_list("pk", "hash"))
    assert kept == entries
