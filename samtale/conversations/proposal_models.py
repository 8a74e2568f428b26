"""Other times one party of a conversation asks for in the app (TimeProposal), beside the
answers their mail programs send (InvitationAnswer, models.py). A module of its own, loaded
with the app's models (models.py imports it at its end)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samtale.conversations.parties import Party


class TimeProposal(models.Model):
    """One to three other times a party proposes for the conversation, with an optional short
    message to the other party (conversations.services.proposals).

    It holds for the invitation out when it was made (its SEQUENCE), while the conversation
    waits for answers, until it is closed: accepted (the conversation moved to one of its
    times), answered with other times, replaced by the same party's newer one, or lapsed
    (the conversation moved, was held, postponed or cancelled). The message is personal: it
    is kept only while the proposal is open, emptied when it closes, and shown to the two
    parties alone (policy.time_proposals_visible_to)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ANSWERED = "answered", _("Answered with other times")
        REPLACED = "replaced", _("Replaced")
        LAPSED = "lapsed", _("Lapsed")

    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.CASCADE, related_name="time_proposals"
    )
    party = models.CharField(max_length=20, choices=Party.choices)
    # The conversation's own length from each start.
    start_1 = models.DateTimeField()
    start_2 = models.DateTimeField(null=True, blank=True)
    start_3 = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, max_length=500)
    sequence = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.party}: {len(self.starts)} times"

    @property
    def starts(self) -> list:
        return [s for s in (self.start_1, self.start_2, self.start_3) if s is not None]
