"""The comparison of two revisions, as plain data."""

from samtale.conversations.revision_diff import Piece, goals_diff, text_diff


def test_the_text_is_compared_word_by_word_and_nothing_is_lost():
    before = "Vi snakket om kurs.\n\nOg om arbeidstid."
    after = "Vi snakket om kurs og veiledning.\n\nOg om arbeidstid."
    pieces = text_diff(before, after)
    assert "".join(p.text for p in pieces if p.kind != "added") == before
    assert "".join(p.text for p in pieces if p.kind != "removed") == after
    assert Piece("removed", "kurs.\n\n") in pieces
    assert Piece("added", "kurs og veiledning.\n\n") in pieces


def test_the_same_text_has_no_change():
    assert [p.kind for p in text_diff("Likt.", "Likt.")] == ["same"]
    assert text_diff("", "") == []


def _action(pk, text, deadline=None, responsible="employee"):
    return {"action_id": pk, "text": text, "deadline": deadline, "responsible": responsible}


def test_goals_and_actions_are_matched_by_their_ids():
    before = [
        {"goal_id": 1, "goal": "Mål A", "actions": [_action(1, "Kurs"), _action(2, "Mentor")]},
        {"goal_id": 2, "goal": "Mål B", "actions": [_action(3, "Lese")]},
    ]
    after = [
        {
            "goal_id": 1,
            "goal": "Mål A, endret",
            "actions": [_action(1, "Kurs", "2027-02-01", "both"), _action(4, "Veiledning")],
        },
        {"goal_id": 3, "goal": "Mål C", "actions": [_action(5, "Skrive")]},
    ]
    changes = goals_diff(before, after)
    assert [(g.kind, g.before, g.after) for g in changes] == [
        ("changed", "Mål A", "Mål A, endret"),
        ("added", None, "Mål C"),
        ("removed", "Mål B", None),
    ]
    first = changes[0]
    assert [(a.kind, a.fields) for a in first.actions] == [
        ("changed", ["deadline", "responsible"]),
        ("added", []),
        ("removed", []),
    ]
    assert first.actions[0].after["responsible_label"] in ("Begge", "Both")


def test_snapshots_without_ids_are_matched_by_their_text():
    before = [
        {"goal": "Mål", "actions": [{"text": "Kurs", "deadline": None, "responsible": "leader"}]}
    ]
    after = [
        {"goal": "Mål", "actions": [{"text": "Kurs", "deadline": None, "responsible": "leader"}]}
    ]
    assert [g.kind for g in goals_diff(before, after)] == ["same"]
