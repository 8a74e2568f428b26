"""The audit log in words (audit.words): every code the product writes reads as a sentence
in the reader's language, from the entry and the names on the page, never from content;
and as it is stored, for the technically minded."""

import ast
from pathlib import Path

import pytest
from django.utils import timezone, translation

from samtale.audit import words
from samtale.audit.selectors import names_of
from samtale.audit.sentences import SENTENCES
from samtale.audit.words import sentence, stored
from samtale.conversations.models import Conversation
from samtale.core.audit import audit_log
from samtale.core.models import AuditEntry
from testkit.source import REPOSITORY, product_copy, product_files

# Codes written with a part filled in at run time (an f-string): every value the part takes.
DYNAMIC = {
    "conversation.": Conversation.Status.values,  # conversations.services.lifecycle.transition
}


def _strings(node: ast.expr) -> list[ast.expr]:
    """The values an action argument can take: both sides of `a if x else b`."""
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return [node]


def _codes_written(root: Path) -> tuple[set[str], list[str]]:
    """Every action code the product under `root` writes (core.audit's helpers, called
    anywhere outside the tests), and where one is written so that it cannot be read here."""
    codes, unreadable = set(), []
    for path in product_files(root):
        module = path.relative_to(root).as_posix()
        for call in ast.walk(ast.parse(path.read_text(), filename=module)):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            keywords = {k.arg: k.value for k in call.keywords}
            if name in ("audit_reads", "audit_read"):
                codes.add("conversation.read")
                continue
            if name == "audit_log":
                argument, prefix = keywords.get("action"), ""
            elif name == "audit_download":
                argument = keywords.get("kind") or (call.args[1] if len(call.args) > 1 else None)
                prefix = "download."
            elif name == "Record" and module == "samtale/core/audit.py":
                argument, prefix = (call.args[1] if len(call.args) > 1 else None), ""
            else:
                continue
            for value in _strings(argument) if argument is not None else []:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    codes.add(prefix + value.value)
                elif (
                    isinstance(value, ast.JoinedStr)
                    and isinstance(value.values[0], ast.Constant)
                    and value.values[0].value in DYNAMIC
                ):
                    codes |= {
                        value.values[0].value + part for part in DYNAMIC[value.values[0].value]
                    }
                elif module == "samtale/core/audit.py":
                    continue  # the helpers themselves, passing on their callers' codes
                else:
                    unreadable.append(f"{module}:{call.lineno}")
    return codes, unreadable


def _entry(action, data=None, *, actor_name="Nils Jensen", actor_id=7, obj=("", ""), ip="10.0.0.1"):
    return AuditEntry(
        id=41,
        at=timezone.now(),
        action=action,
        actor_id=actor_id if actor_name else None,
        actor_name=actor_name,
        object_type=obj[0],
        object_id=obj[1],
        data=data or {},
        ip=ip,
    )


# Every code has its sentence --------------------------------------------------------------


def test_every_code_the_product_writes_has_a_sentence():
    codes, unreadable = _codes_written(REPOSITORY)
    assert unreadable == [], (
        "an action code written so that this test cannot read it: write it as a string, "
        "or name its values in DYNAMIC"
    )
    assert len(codes) > 80, "the walk finds the codes"  # 109 when it was written
    assert {"privacy.export", "archive.delivered", "import.undo", "download.needs"} <= codes
    assert sorted(codes - SENTENCES.keys()) == [], "give each its sentence in audit/sentences/"


def test_a_code_planted_in_a_copy_of_the_product_is_found_without_its_sentence(tmp_path):
    """The walk above over a copy of the product with two codes planted in a module: one
    without a sentence, one written so that it cannot be read. Each is found."""
    copy = product_copy(tmp_path, ["samtale"])
    codes, unreadable = _codes_written(copy)
    assert unreadable == [] and codes - SENTENCES.keys() == set()
    module = copy / "samtale" / "rounds" / "services.py"
    lines = len(module.read_text().splitlines())
    with module.open("a") as file:
        file.write(
            "\n\ndef planted(actor, kind):\n"
            '    audit_log(actor=actor, action="round.planted")\n'
            "    audit_log(actor=actor, action=kind)\n"
        )
    codes, unreadable = _codes_written(copy)
    assert codes - SENTENCES.keys() == {"round.planted"}
    assert unreadable == [f"samtale/rounds/services.py:{lines + 5}"]


class _Anything(dict):
    """Any placeholder a sentence asks for: a count of 2."""

    def __missing__(self, key):
        return words._Count(2)


@pytest.mark.parametrize("language", ["en", "nb", "nn"])
def test_every_sentence_and_each_of_its_variants_can_be_filled_in(language):
    with translation.override(language):
        for code, said in SENTENCES.items():
            for text in [said.text, *said.variants.values()]:
                filled = str(text % _Anything())
                assert "%(" not in filled and filled.strip(), (code, language)


def test_a_code_without_a_sentence_says_who_did_it_and_the_code():
    with translation.override("en"):
        assert sentence(_entry("roster.shuffled")) == "Nils Jensen did “roster.shuffled”"


def test_details_of_another_shape_than_the_words_expect_still_give_a_sentence():
    with translation.override("en"):
        said = sentence(_entry("round.shared", {"moved": "many"}))
    assert said == "Nils Jensen did “round.shared”"


# What the sentences say ---------------------------------------------------------------------

PERSON, FORM = ("org.person", "12"), ("archive.signedform", "5")
NAMES = {
    PERSON: "Magnus Ødegård",
    FORM: "Magnus Ødegård",
    ("org.person", "13"): "Per Dahl",
    ("rounds.round", "3"): "Medarbeidersamtaler 2026",
    ("org.importbatch", "9"): "people",
    ("conversations.conversation", "4"): "Magnus Ødegård",
}


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        (
            _entry("privacy.export", {"person": 7, "by": "self"}, actor_name="Lise Hansen"),
            "Lise Hansen downloaded a copy of their own data",
        ),
        (
            _entry(
                "import.apply",
                {"rows": 12, "create": 2, "update": 3, "unchanged": 4, "deactivate": 3},
                obj=("org.importbatch", "9"),
            ),
            "Nils Jensen imported a file of 12 people (new: 2, changed: 3, deactivated: 3)",
        ),
        (
            _entry(
                "archive.delivered",
                {"delivery": 8, "to": "fiks", "journalpost": "2026/123", "existing": False},
                actor_name="",
                obj=FORM,
                ip="",
            ),
            "The signed follow-up form for Magnus Ødegård was filed in the archive (journal "
            "number 2026/123)",
        ),
        (
            _entry("person.role", {"role": "hr", "granted": False}, obj=PERSON),
            "Nils Jensen took the role HR from Magnus Ødegård",
        ),
        (
            _entry("round.shared", {"holder": 13, "moved": 1}, obj=("rounds.round", "3")),
            "Nils Jensen gave Per Dahl 1 conversation in the round “Medarbeidersamtaler 2026”",
        ),
        (
            _entry("round.shared", {"holder": 13, "moved": 14}, obj=("rounds.round", "3")),
            "Nils Jensen gave Per Dahl 14 conversations in the round “Medarbeidersamtaler 2026”",
        ),
        (
            _entry(
                "round.leaders_reminded",
                {"reminded": 2, "leaders": [12, 13], "recent": [], "all_timed": []}
                | {"skipped": "none"},
                obj=("rounds.round", "3"),
            ),
            "Nils Jensen reminded Magnus Ødegård and Per Dahl, behind in the round "
            "“Medarbeidersamtaler 2026”, of their people without a time",
        ),
        (
            _entry(
                "round.leaders_reminded",
                {"reminded": 1, "leaders": [12], "recent": [13], "all_timed": [99]}
                | {"skipped": "recent+all_timed"},
                obj=("rounds.round", "3"),
            ),
            "Nils Jensen reminded Magnus Ødegård, behind in the round “Medarbeidersamtaler "
            "2026”, of their people without a time; not Per Dahl, reminded in the last week, "
            "nor a person no longer in Samtale, whose conversations all have a time",
        ),
        (  # an entry from before the leaders were named
            _entry(
                "round.leaders_reminded",
                {"reminded": 1, "leaders": [12]},
                obj=("rounds.round", "3"),
            ),
            "Nils Jensen reminded 1 leader behind in the round “Medarbeidersamtaler 2026” of "
            "their people without a time",
        ),
        (
            _entry("round.opened", obj=("rounds.round", "99")),
            "Nils Jensen opened the round number 99",
        ),
        (
            _entry(
                "conversation.read",
                {"as": "hr", "what": "shared_conclusion"},
                actor_name="Lise Hansen",
                obj=("conversations.conversation", "4"),
            ),
            "Lise Hansen (HR) read what the conclusion of Magnus Ødegård's conversation shares",
        ),
        (
            _entry("goal.delete", obj=("actions.goal", "77")),
            "Nils Jensen deleted a goal in a conversation",
        ),
        (
            _entry("retention.run", {"dry_run": True}, actor_name="", ip=""),
            "Samtale checked what the retention policy would delete, without deleting anything",
        ),
        (
            _entry("login.failed", {"identifier": "ab12"}, actor_name=""),
            "A sign-in as someone Samtale does not know failed",
        ),
        (
            _entry("calendar.removed", obj=("org.person", "7")),
            "Nils Jensen removed their calendar connection",
        ),
        (
            _entry("person.update", {"fields": ["job_title", "unit"]}, obj=PERSON),
            "Nils Jensen changed the details of Magnus Ødegård (job title, unit)",
        ),
        (
            _entry(
                "person.leader_changed",
                {"old_manager": None, "new_manager": 13, "via": "import"},
                obj=PERSON,
            ),
            "Nils Jensen changed the line manager of Magnus Ødegård from nobody to Per Dahl, "
            "through an import",
        ),
        (
            _entry("download.needs", {"year": None, "table": "sums", "format": "xlsx"}),
            "Nils Jensen downloaded the shared needs (Excel)",
        ),
        (
            _entry("download.likert_results", {"year": 2026, "format": "csv"}),
            "Nils Jensen downloaded the answers to the statements for 2026 (CSV)",
        ),
    ],
    ids=lambda value: value.action if isinstance(value, AuditEntry) else "",
)
def test_an_entry_reads_as_a_sentence_with_names_and_counts(entry, said):
    with translation.override("en"):
        assert sentence(entry, NAMES) == said


def test_counts_are_written_as_norwegians_write_them_and_years_are_not():
    entry = _entry("person.deactivations_confirmed", {"count": 20000})
    with translation.override("nb"):
        assert "20\xa0000" in sentence(entry)
    year = _entry("download.rating_fairness", {"year": 2026, "format": "csv"})
    with translation.override("nb"):
        assert "2026" in sentence(year) and "2\xa0026" not in sentence(year)


def test_an_actor_who_was_not_signed_in_is_named_so():
    entry = _entry("retention.run", {"dry_run": False}, actor_name="", ip="192.0.2.1")
    with translation.override("en"):
        assert sentence(entry).startswith("Someone who was not signed in ran")


# As stored ------------------------------------------------------------------------------------


def test_the_details_hold_the_code_the_object_and_each_detail_with_yes_and_no():
    entry = _entry(
        "retention.run", {"dry_run": False, "notes": 3, "people": [1, 2]}, obj=("x.y", "2")
    )
    with translation.override("en"):
        rows = stored(entry)
    assert rows == [
        ("Code", "retention.run"),
        ("Object", "x.y 2"),
        ("From where", "10.0.0.1"),
        ("Entry", "41"),
        ("dry_run", "no"),
        ("notes", "3"),
        ("people", "1, 2"),
    ]


def test_a_long_detail_is_cut():
    [(_key, value)] = stored(_entry("round.shared", {"people": list(range(1000))}))[-1:]
    assert len(value) == words.LONGEST_VALUE and value.endswith("…")


def test_a_long_run_without_a_space_comes_in_pieces_a_line_may_break_between():
    address = "https://calendar.example.com/" + "a" * 50
    [row] = stored(_entry("calendar.connected", {"server": address}))[-1:]
    assert row.value == address and "".join(row.pieces) == address
    assert max(len(piece) for piece in row.pieces) <= words.LONGEST_RUN
    [row] = stored(_entry("x", {"note": "short words stay whole"}))[-1:]
    assert row.pieces == ["short words stay whole"]


# The names on a page --------------------------------------------------------------------------


def test_the_names_are_those_of_the_objects_and_of_the_people_the_details_name(
    people, django_assert_num_queries
):
    from testkit.people import goals_version, signed_conversation

    conversation = signed_conversation(people.employee, people.leader, version=goals_version())
    goal = conversation.goals.get()
    entries = [
        audit_log(actor=people.leader, action="goal.add", obj=goal),
        audit_log(actor=people.hr, action="person.update", obj=people.leader, fields=["email"]),
        audit_log(
            actor=people.hr,
            action="round.holder_set",
            obj=people.employee.unit,
            holder=people.other_leader.pk,
            person=people.employee.pk,
        ),
    ]
    with django_assert_num_queries(3):  # goals, people, units: one query each
        names = names_of(entries)
    assert names[("actions.goal", str(goal.pk))] == people.employee.full_name
    assert names[("org.person", str(people.other_leader.pk))] == people.other_leader.full_name
    assert names[("org.unit", str(people.employee.unit.pk))] == people.employee.unit.name
    with translation.override("en"):
        said = sentence(entries[0], names)
    assert said == f"Leif Testesen added a goal in {people.employee.full_name}'s conversation"
    assert goal.text not in said
