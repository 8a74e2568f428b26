"""The pickers of rounds (core.pickers): who holds conversations, and whom to add to a
round (?runde=<id>); and who may hold a conversation planned outside a round."""

from django.db.models import QuerySet

from samtale.conversations import policy as conversations_policy
from samtale.core import access
from samtale.core.pickers import register
from samtale.org.models import Person
from samtale.org.pickers import of_user, people
from samtale.rounds import policy
from samtale.rounds.models import Round
from samtale.rounds.selectors import addable_people, round_holders


def _managed_round(user, value):
    """The round of ?runde=: a form passes the round it has, the search its id. Either way
    only one the user manages."""
    if isinstance(value, Round):
        access.require(policy.may_manage_round(user, value))
        return value
    return policy.get_round_for(user, value, write=True)


def _round_people(user, params) -> QuerySet[Person]:
    """People who may be added to a round the user manages: of its units, not in it yet."""
    round = _managed_round(user, params.get("runde"))
    return addable_people(round=round, people=policy.round_people_for(user))


def _round_holders(user, params) -> QuerySet[Person]:
    """Who may hold a conversation: with ?runde=<id>, of a round the user manages, only the
    leaders of its units and those who hold in it already."""
    holders = policy.holders_for(user)
    if "runde" not in params:
        return holders
    return round_holders(round=_managed_round(user, params["runde"]), holders=holders)


register("round-holder", people(policy.may_create_round, _round_holders))
register("round-person", people(policy.may_create_round, _round_people))
register(
    "plan-leader",
    people(conversations_policy.may_plan_conversation, of_user(policy.holders_for)),
)
