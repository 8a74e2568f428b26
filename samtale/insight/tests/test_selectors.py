"""The units a user may count as a tree, and counts summed up it (insight.selectors)."""

from collections import Counter

from samtale.insight.selectors import ORGANIZATION, summed_up, unit_tree
from samtale.org.models import Unit


def test_units_whose_parent_is_not_counted_hang_from_the_top(org):
    tree = unit_tree(Unit.objects.filter(pk__in=[org["a"].pk, org["b"].pk]))
    assert tree.up(org["a"].pk) == ORGANIZATION
    assert tree.below(ORGANIZATION) == [org["a"].pk, org["b"].pk]  # by name
    whole = unit_tree(Unit.objects.all())
    assert whole.up(org["a"].pk) == org["top"].pk and org["top"].pk in whole


def test_counts_are_summed_up_the_tree_and_a_unit_outside_it_counts_at_the_top(org):
    tree = unit_tree(Unit.objects.all())
    own = {
        org["a"].pk: Counter(planned=2),
        org["b"].pk: Counter(planned=3),
        999: Counter(planned=1),
    }
    total = summed_up(tree, own, zero=Counter())
    assert total[org["top"].pk]["planned"] == 5
    assert total[ORGANIZATION]["planned"] == 6
    assert summed_up(tree, {org["a"].pk: (1, 2)}, zero=(0, 0))[ORGANIZATION] == (1, 2)
