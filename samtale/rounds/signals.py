"""What happens to a round, for the apps above that follow it (a Django signal each, sent
inside the transaction that made it happen, so a receiver's writes stand or fall with it).

- round_closed(round): a round was closed, the first time or again; insight publishes the
  feedback on leadership and, after the commit, the round's figures from answers.
"""

from django.dispatch import Signal

round_closed = Signal()
