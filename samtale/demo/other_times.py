"""The demo's invitations and the other time asked for: every person invited to a
conversation has their invitation in the mail folder (the worker writes it to var/mail/,
with the leader's copy), as if the leader had sent it; and one of Ola Berg's people has
asked for another time, in the app, with a short message, waiting on his home page."""

from django.utils import timezone

from samtale.conversations import free_times
from samtale.conversations.models import Conversation, TimeProposal
from samtale.conversations.services import proposals
from samtale.demo import org as org_demo
from samtale.notifications.models import OutboundEmail
from samtale.notifications.outbox import email_queue

S = Conversation.Status
OLA, KARI = "10002", "10004"


def _invitations_queue() -> int:
    """Queue the invitation and the leader's copy of each invited conversation that has
    none yet (the demo writes its conversations without the services that send them)."""
    sent = set(
        OutboundEmail.objects.filter(kind="invitation").values_list("ref__conversation", flat=True)
    )
    invited = Conversation.objects.filter(
        status__in=(S.INVITED, S.PREPARED),
        scheduled_at__isnull=False,
        employee__email__endswith=f"@{org_demo.domain()}",
    ).select_related("employee", "leader")
    queued = 0
    for conversation in invited.order_by("scheduled_at"):
        if conversation.pk in sent:
            continue
        ref = {"conversation": conversation.pk}
        email_queue(to=conversation.employee, kind="invitation", ref=ref)
        email_queue(to=conversation.leader, kind="invitation_copy", ref=ref)
        queued += 1
    return queued


def _proposal() -> bool:
    """One of Ola's people (not Kari: her own conversation is the demo employee's to try)
    proposes two free times for their invited conversation, with a message."""
    if TimeProposal.objects.filter(conversation__leader__employee_number=OLA).exists():
        return False
    conversation = (
        Conversation.objects.filter(
            leader__employee_number=OLA,
            status=S.INVITED,
            scheduled_at__gt=timezone.now(),
        )
        .exclude(employee__employee_number=KARI)
        .select_related("employee", "leader")
        .order_by("scheduled_at")
        .first()
    )
    if conversation is None:
        return False
    starts = free_times.free_times(conversation=conversation, now=timezone.now())[1:3]
    if not starts:
        return False
    proposals.time_proposal_make(
        actor=conversation.employee,
        conversation=conversation,
        starts=starts,
        message="Jeg har vakt den dagen. Passer en av disse?",
    )
    return True


def load() -> tuple[int, bool]:
    """Queue the missing invitations, then the proposal; what was done."""
    return _invitations_queue(), _proposal()
