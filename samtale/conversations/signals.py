"""What happens to a conversation, for the apps above that follow it (a Django signal each,
sent inside the transaction that made it happen, so a receiver's writes stand or fall with
the signing).

- conversation_signed(conversation): both have signed the first summary; the needs app
  registers the needs its conclusion shares.
- summary_signed(revision): both have signed a summary, the first or a correction; the
  archive app records the follow-up form for the personnel file.
"""

from django.dispatch import Signal

conversation_signed = Signal()
summary_signed = Signal()
