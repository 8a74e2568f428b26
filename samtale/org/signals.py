"""What happens to the organization, for the domains above that follow it (a Django signal
each, sent inside the transaction that made it happen, so a receiver's writes stand or fall
with the change).

- line_manager_changed(change): a person's line manager changed (org.models.LeaderChange),
  by any path. Its one receiver, rounds.handover, calls what the change brings with it in
  order: conversations moves the conversations not yet held (and records them in
  change.moved), actions asks the person about their follow-up, rounds moves the round's
  holder and its conversation.
"""

from django.dispatch import Signal

line_manager_changed = Signal()
