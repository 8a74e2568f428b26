"""What happens to a conversation, for the apps above that follow it (a Django signal each,
sent inside the transaction that made it happen, so a receiver's writes stand or fall with
the signing or the change).

- conversation_signed(conversation): both have signed the first summary; the needs app
  registers the needs its conclusion shares.
- status_changed(conversation, to): the status changes to `to` (sent before the
  conversation is saved with it: conversation.status is still the one it leaves); the
  actions app marks the agreed actions followed up while it is signed, the rounds app
  copies the status to the round's participant for its counts.
- summary_signed(revision): both have signed a summary, the first or a correction; the
  archive app records the follow-up form for the personnel file.
- conversation_planned(conversation, actor): a conversation was planned, or given a (new)
  time; the rounds app counts one planned outside a round in the round it belongs to.
"""

from django.dispatch import Signal

conversation_signed = Signal()
summary_signed = Signal()
status_changed = Signal()
conversation_planned = Signal()
