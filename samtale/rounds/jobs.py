"""Periodic jobs of rounds (started by `manage.py scheduler`, run by the worker).

Each is safe to run twice: an invitation moves the conversation on (a second run
finds nothing to invite), and reminders and notices carry a dedupe key.
"""

import logging
from datetime import time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.tasks import task
from django.utils import timezone

from samtale.conversations.models import Conversation
from samtale.conversations.selectors import preparations_shared
from samtale.conversations.services.lifecycle import conversation_invite
from samtale.core import handoff
from samtale.core.errors import DomainError
from samtale.notifications.outbox import email_queue
from samtale.org.models import Person
from samtale.rounds import selectors, services
from samtale.rounds.models import Round
from samtale.rounds.scheduling import day_start
from samtale.work.schedule import periodic

logger = logging.getLogger(__name__)
S = Conversation.Status


@periodic(every=timedelta(minutes=15))
@handoff.receives(services.INVITE)
@task
def invite_due() -> int:
    """Invite the round's planned conversations that are now within its lead time.

    Sent in the name of the leader who holds the conversation (they are its organizer).
    """
    now = timezone.now()
    invited = 0
    for round in Round.objects.filter(closed_at__isnull=True):
        due = Conversation.objects.filter(
            round=round,
            status=S.PLANNED,
            scheduled_at__gt=now,
            scheduled_at__lte=now + timedelta(days=round.lead_days),
        ).select_related("leader")
        for conversation in due:
            try:
                conversation_invite(actor=conversation.leader, conversation=conversation)
            except (DomainError, PermissionDenied) as error:
                # Another run got there first, or the leader has left: nothing to send.
                logger.info("not invited: conversation %s: %s", conversation.pk, error)
            else:
                invited += 1
    return invited


@periodic(daily_at=time(7, 0))
@task
def remind_prepare() -> int:
    """A reminder to prepare, a few days before, to each party who has not shared yet."""
    now = timezone.now()
    longest = max(
        [settings.SAMTALE_REMINDER_DAYS]
        + list(Round.objects.filter(closed_at__isnull=True).values_list("reminder_days", flat=True))
    )
    shared = Prefetch("preparations", queryset=preparations_shared())
    today = timezone.localdate()
    conversations = (
        Conversation.objects.filter(
            status__in=[S.INVITED, S.PREPARED],
            scheduled_at__gt=now,
            scheduled_at__lt=day_start(today + timedelta(days=longest + 1)),
        )
        .select_related("round", "employee", "leader")
        .prefetch_related(shared)
    )
    queued = 0
    for conversation in conversations:
        round = conversation.round
        if round is not None and not round.is_open:
            continue
        days = round.reminder_days if round is not None else settings.SAMTALE_REMINDER_DAYS
        # By the calendar: three days before a Tuesday conversation is the Saturday before.
        if (timezone.localdate(conversation.scheduled_at) - today).days > days:
            continue
        done = {p.author_id for p in conversation.preparations.all()}
        day = timezone.localdate(conversation.scheduled_at).isoformat()
        for person in (conversation.employee, conversation.leader):
            if person.pk in done:
                continue
            if email_queue(
                to=person,
                kind="prepare_reminder",
                ref={"conversation": conversation.pk},
                dedupe_key=f"prepare-reminder:{conversation.pk}:{person.pk}:{day}",
            ):
                queued += 1
    return queued


@periodic(daily_at=time(7, 0))
@task
def notify_unscheduled() -> int:
    """Tell each leader, once a day, about conversations of their open rounds without a time."""
    today = timezone.localdate()
    holders: set[int] = set()
    for round in Round.objects.filter(closed_at__isnull=True, period_end__gte=today):
        if round.period_start > today + timedelta(days=round.max_days_ahead):
            continue  # not yet time to schedule
        holders |= {
            p.holder_id for p, _ in selectors.to_schedule(round=round) if p.holder_id is not None
        }
    queued = 0
    for leader in Person.objects.filter(pk__in=holders, is_active=True):
        if email_queue(
            to=leader,
            kind="unscheduled_notice",
            ref={"day": today.isoformat()},
            dedupe_key=f"unscheduled:{leader.pk}:{today.isoformat()}",
        ):
            queued += 1
    return queued
