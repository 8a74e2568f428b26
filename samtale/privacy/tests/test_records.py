"""The records that name people outside any conversation go by their own rules
(privacy.records, run by the daily retention job): a marker planted in each is gone at the
end of its period and still there the day before; what is still to be sent stays."""

from datetime import UTC, datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from samtale.competence.models import PlanComment
from samtale.needs.models import Need, NeedChange
from samtale.notifications.models import OutboundEmail
from samtale.org.imports.undo import UNDO_DAYS
from samtale.org.models import EmailChange, ImportBatch, Person
from samtale.privacy import services
from samtale.privacy.models import LegalHold

pytestmark = pytest.mark.django_db
START = datetime(2025, 1, 10, 11, tzinfo=UTC)  # UTC: days added are whole days
MARKER = "MARKER-4711"


def _plant(people) -> dict:
    """One of each record, made at START, each holding the marker."""
    with time_machine.travel(START, tick=False):
        sent = OutboundEmail.objects.create(
            kind="password_reset",
            to=people.employee,
            to_email=f"{MARKER}@example.org",
            subject=f"Om samtalen med {MARKER}",
            status=OutboundEmail.Status.SENT,
        )
        queued = OutboundEmail.objects.create(
            kind="password_reset", to=people.employee, to_email=f"{MARKER}@example.org"
        )
        change = EmailChange.objects.create(
            person=people.employee, old_email=f"{MARKER}@old.example", new_email="ny@example.org"
        )
        batch = ImportBatch.objects.create(
            kind="people",
            filename="ansatte.xlsx",
            content=b"",
            status="applied",
            applied_at=timezone.now(),
            undo={"people": [{"national_id": MARKER}]},
        )
        hold = LegalHold.objects.create(
            person=people.employee,
            reason=MARKER,
            set_by=people.hr,
            released_at=timezone.now(),
            released_by=people.hr,
        )
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store["marker"] = MARKER
        store.set_expiry(3600)
        store.create()
    return {
        "sent": sent,
        "queued": queued,
        "change": change,
        "batch": batch,
        "hold": hold,
        "session": store.session_key,
    }


def _run(at: datetime):
    with time_machine.travel(at, tick=False):
        run, _plan = services.retention_run()
    return run


def test_each_record_goes_at_the_end_of_its_period(people):
    planted = _plant(people)
    days = settings.SAMTALE_RETAIN_RECORDS_DAYS
    # An hour on, the session has expired: it goes; nothing else does.
    run = _run(START + timedelta(hours=2))
    assert not Session.objects.filter(session_key=planted["session"]).exists()
    assert run.counts["sessions"] == 1
    # The day before UNDO_DAYS, the import could still be undone: its values stay.
    _run(START + timedelta(days=UNDO_DAYS - 1))
    assert ImportBatch.objects.get(pk=planted["batch"].pk).undo
    run = _run(START + timedelta(days=UNDO_DAYS, hours=1))
    assert ImportBatch.objects.get(pk=planted["batch"].pk).undo == {}
    assert run.counts["import_undo"] == 1
    # The e-mail sent and the old address: the day before, there; after, gone.
    _run(START + timedelta(days=days - 1))
    assert OutboundEmail.objects.filter(pk=planted["sent"].pk).exists()
    assert EmailChange.objects.filter(pk=planted["change"].pk).exists()
    run = _run(START + timedelta(days=days, hours=1))
    assert not OutboundEmail.objects.filter(pk=planted["sent"].pk).exists()
    assert not EmailChange.objects.filter(pk=planted["change"].pk).exists()
    assert (run.counts["emails"], run.counts["email_changes"]) == (1, 1)
    # What is still to be sent stays, however old.
    assert OutboundEmail.objects.filter(pk=planted["queued"].pk).exists()
    # The legal hold's reason: as long after its release as a leaver's content is kept.
    years = settings.SAMTALE_RETAIN_LEAVERS_YEARS
    _run(START.replace(year=START.year + years) - timedelta(days=2))
    assert LegalHold.objects.get(pk=planted["hold"].pk).reason == MARKER
    run = _run(START.replace(year=START.year + years) + timedelta(days=2))
    hold = LegalHold.objects.get(pk=planted["hold"].pk)
    assert hold.reason == "" and hold.released_by == people.hr  # who and when stay
    assert run.counts["hold_reasons"] == 1


def test_a_municipalitys_own_period_is_used(people, settings):
    """SAMTALE_RETAIN_RECORDS_DAYS is each municipality's (here the home one's, set low)."""
    settings.SAMTALE_RETAIN_RECORDS_DAYS = 10
    planted = _plant(people)
    _run(START + timedelta(days=9))
    assert OutboundEmail.objects.filter(pk=planted["sent"].pk).exists()
    _run(START + timedelta(days=10, hours=1))
    assert not OutboundEmail.objects.filter(pk=planted["sent"].pk).exists()


def test_a_dry_run_counts_and_deletes_nothing(people):
    planted = _plant(people)
    with time_machine.travel(START + timedelta(days=400), tick=False):
        run, _plan = services.retention_run(dry_run=True)
    assert run.counts["emails"] == 1 and run.counts["email_changes"] == 1
    assert OutboundEmail.objects.filter(pk=planted["sent"].pk).exists()


def test_comments_on_a_years_plan_and_its_needs_go_when_its_years_are_over(people):
    """SAMTALE_RETAIN_PLAN_YEARS after the end of the plan's year: the comment on the plan
    goes, HR's comment on a need is blanked (the need, its status and who set it stay); a
    later year's stay."""
    years = settings.SAMTALE_RETAIN_PLAN_YEARS
    unit = people.employee.unit
    old = PlanComment.objects.create(unit=unit, year=2024, text=MARKER, author=people.leader)
    later = PlanComment.objects.create(unit=unit, year=2025, text=MARKER, author=people.leader)
    need = Need.objects.create(unit=unit, category="competence", text="Kurs", year=2024)
    change = NeedChange.objects.create(need=need, status="budget", comment=MARKER, by=people.hr)
    _run(datetime(2024 + years, 12, 31, 12, tzinfo=UTC))
    assert PlanComment.objects.filter(pk=old.pk).exists()
    assert NeedChange.objects.get(pk=change.pk).comment == MARKER
    run = _run(datetime(2025 + years, 1, 2, 12, tzinfo=UTC))
    assert not PlanComment.objects.filter(pk=old.pk).exists()
    assert PlanComment.objects.filter(pk=later.pk).exists()
    change.refresh_from_db()
    assert (change.comment, change.status, change.by) == ("", "budget", people.hr)
    assert (run.counts["plan_comments"], run.counts["need_comments"]) == (1, 1)


def test_a_leavers_national_identity_number_goes_with_their_years_unless_held_back(people):
    """With the rest of what a leaver wrote: not while they are on legal hold, nor while a
    signed form of theirs waits for the personnel file (the archive classifies by it)."""
    years = settings.SAMTALE_RETAIN_LEAVERS_YEARS
    Person.objects.filter(pk=people.employee.pk).update(
        national_id="01017012345", is_active=False, end_date=datetime(2023, 6, 30).date()
    )
    hold = LegalHold.objects.create(person=people.employee, reason="Sak", set_by=people.hr)
    after = datetime(2023 + years, 7, 2, 12, tzinfo=UTC)
    _run(after - timedelta(days=4))
    _run(after)
    assert Person.objects.get(pk=people.employee.pk).national_id == "01017012345"  # on hold
    hold.released_at, hold.released_by = after, people.hr
    hold.save()
    run = _run(after + timedelta(days=1))
    assert Person.objects.get(pk=people.employee.pk).national_id is None
    assert run.counts["national_ids"] == 1


def test_the_link_to_the_identity_providers_account_goes_once_the_person_is_not_active(people):
    claims = {"id_token": {"sub": "entra-emma", "email": f"{MARKER}@example.org"}}
    SocialAccount.objects.create(user=people.employee, provider="entra", uid="e", extra_data=claims)
    SocialAccount.objects.create(user=people.leader, provider="entra", uid="l", extra_data=claims)
    _run(START)
    assert SocialAccount.objects.count() == 2
    Person.objects.filter(pk=people.employee.pk).update(is_active=False)
    run = _run(START + timedelta(days=1))
    assert list(SocialAccount.objects.values_list("uid", flat=True)) == ["l"]
    assert run.counts["provider_links"] == 1
