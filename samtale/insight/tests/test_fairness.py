"""Rating habits: flags from the numbers, only for leaders with at least k rated conversations."""

from collections import Counter

from django.urls import reverse

from samtale.insight.fairness import rating_habits

A, P, N = "achieved", "partly", "not_achieved"


def habits(ratings: dict, k=5):
    """ratings: {leader: [result per conversation]}"""
    counts = {leader: Counter(results) for leader, results in ratings.items()}
    conversations = {leader: len(results) for leader, results in ratings.items()}
    return rating_habits(counts, conversations, k=k)


def typical(n=10):
    return [A, A, P, P, N] * (n // 5)


def test_a_leader_who_rates_everyone_alike_is_flagged():
    result = habits({1: typical(), 2: typical(), 3: [P] * 10})
    flagged = {h.leader_id: h for h in result.flagged}
    assert flagged[3].alike and flagged[3].most_common_share == 100
    assert 1 not in flagged and 2 not in flagged


def test_a_strict_and_a_lenient_leader_are_flagged_against_their_peers():
    result = habits(
        {
            1: typical(20),
            2: typical(20),
            3: typical(20),
            4: [N] * 18 + [P] * 2,
            5: [A] * 18 + [P] * 2,
        }
    )
    flagged = {h.leader_id: h for h in result.flagged}
    assert flagged[4].strict and not flagged[4].lenient
    assert flagged[5].lenient and not flagged[5].strict
    assert flagged[4].shrunk > flagged[4].mean  # pulled towards the organization's
    assert result.assessed == 5


def test_a_leader_below_k_rated_conversations_is_not_assessed():
    result = habits({1: typical(), 2: typical(), 3: [N] * 4})
    assert result.assessed == 2
    assert all(h.leader_id != 3 for h in result.habits)


def test_nobody_assessed_shows_an_empty_state(client_for):
    page = client_for("hr").get(reverse("rating_fairness")).content.decode()
    assert "Ingen leder har resultater fra 5 eller flere ansatte publisert for" in page
