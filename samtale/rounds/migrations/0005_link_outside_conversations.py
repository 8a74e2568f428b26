"""Conversations planned outside a round count in it (issue 35): from now on the rounds link
them as they are planned (rounds.services.participants_link); this links those planned
before. In each open round, a participant with no conversation, or only a cancelled one,
gets the earliest of their conversations planned outside any round that is of the kind the
round holds, not cancelled, and held or planned on a day of the round's period (or without
a time, where the period has not ended): rounds.selectors.outside_conversations as it
stands today, written out here with the models as they were. The round's counts follow
from the participant's conversation status by the triggers of migration 0004."""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone


def _day_start(day):
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def link(apps, schema_editor):
    Round = apps.get_model("rounds", "Round")
    Participant = apps.get_model("rounds", "Participant")
    Conversation = apps.get_model("conversations", "Conversation")
    today = timezone.localdate()
    for round in Round.objects.filter(closed_at__isnull=True).iterator():
        waiting = Participant.objects.filter(round=round, included=True).filter(
            Q(conversation__isnull=True) | Q(conversation__status="cancelled")
        )
        dated = Q(
            at__gte=_day_start(round.period_start),
            at__lt=_day_start(round.period_end + timedelta(days=1)),
        )
        if round.period_end >= today:
            dated |= Q(at__isnull=True)
        found = (
            Conversation.objects.filter(
                round__isnull=True,
                kind="annual" if round.kind == "annual" else "check_in",
                employee_id__in=waiting.values("person_id"),
            )
            .exclude(status="cancelled")
            .annotate(at=Coalesce("held_at", "scheduled_at"))
            .filter(dated)
            .order_by(F("at").asc(nulls_last=True), "pk")
            .values_list("pk", "employee_id", "leader_id", "status")
        )
        first = {}
        for pk, employee_id, leader_id, status in found:
            first.setdefault(employee_id, (pk, leader_id, status))
        for participant in list(waiting):
            if participant.person_id not in first:
                continue
            pk, leader_id, status = first[participant.person_id]
            participant.conversation_id = pk
            participant.conversation_status = status
            participant.holder_id = leader_id
            participant.save(update_fields=["conversation", "conversation_status", "holder"])
            Conversation.objects.filter(pk=pk).update(round=round)


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0011_invitation_answer"),
        ("rounds", "0004_round_counts"),
    ]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
