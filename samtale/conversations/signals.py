"""What happens to a conversation, for the apps above that may react to it (a Django signal,
sent inside the transaction that made it happen). What must happen is called, not
signalled: signing's effects are samtale.signing.services'. Every signal and its receivers:
docs/developing/signals.md.

- conversation_planned(conversation, actor): a conversation was planned, or given a (new)
  time; the rounds app counts one planned outside a round in the round it belongs to.
"""

from django.dispatch import Signal

conversation_planned = Signal()
