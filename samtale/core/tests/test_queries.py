from datetime import date

import pytest
from django.db import connection

from samtale.actions.models import Action
from samtale.actions.nudges import pitfall_querysets
from samtale.actions.selectors import OPEN
from samtale.conversations.models import Conversation
from samtale.core.queries import counts, counts_sql, exists
from samtale.org.models import Person, Unit
from testkit.people import goals_version, signed_conversation


def test_counts_counts_each_queryset_in_one_query(db, django_assert_num_queries):
    unit = Unit.objects.create(code="1", name="Enhet")
    for n in range(3):
        Person.objects.create(
            email=f"p{n}@x.example", first_name="P", last_name=str(n), unit=unit if n else None
        )
    with django_assert_num_queries(1):
        found = counts(
            everyone=Person.objects.all(),
            in_unit=Person.objects.filter(unit=unit),
            nobody=Person.objects.filter(last_name="ingen"),
            units=Unit.objects.all(),
        )
    assert found == {"everyone": 3, "in_unit": 2, "nobody": 0, "units": 1}


def test_exists_asks_each_queryset_in_one_query(db, django_assert_num_queries):
    unit = Unit.objects.create(code="1", name="Enhet")
    Person.objects.create(email="p@x.example", first_name="P", last_name="Q", unit=unit)
    with django_assert_num_queries(1):
        found = exists(
            anyone=Person.objects.all(),
            in_unit=Person.objects.filter(unit=unit),
            nobody=Person.objects.filter(last_name="ingen"),
        )
    assert found == {"anyone": True, "in_unit": True, "nobody": False}
    with django_assert_num_queries(0):
        assert exists() == {}


def test_literal_in_writes_the_words_into_the_sql_not_as_parameters():
    sql, params = Action.objects.filter(status__literal_in=OPEN).query.sql_with_params()
    assert "IN ('not_started', 'in_progress')" in sql
    assert "not_started" not in params


def test_literal_in_refuses_anything_but_lowercase_words():
    for hostile in (["x') OR 1=1 --"], ["Signed"], []):
        with pytest.raises(ValueError):
            str(Action.objects.filter(status__literal_in=hostile).query)


def test_literal_in_finds_what_in_finds(people):
    signed_conversation(
        people.employee,
        people.leader,
        [(None, "employee", status) for status in Action.Status.values],
        version=goals_version(),
    )
    literal = set(Action.objects.filter(status__literal_in=OPEN).values_list("pk", flat=True))
    bound = set(Action.objects.filter(status__in=OPEN).values_list("pk", flat=True))
    assert literal == bound and len(literal) == 2
    assert not Conversation.objects.exclude(status__literal_in=Conversation.CLOSED).exists()


def test_hrs_pitfall_counts_read_the_partial_indexes(people):
    """SQLite cannot match a bound IN list against a partial index's WHERE: the open
    conversations and open actions must be asked for as the indexes have them written."""
    sql, params, _db = counts_sql(
        **pitfall_querysets(
            conversations=Conversation.objects.all(),
            actions=Action.objects.all(),
            on=date(2026, 11, 24),
        )
    )
    assert "NOT (\"conversations_conversation\".\"status\" IN ('signed', 'cancelled'))" in sql
    assert "\"actions_action\".\"status\" IN ('not_started', 'in_progress')" in sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            steps = [row[-1] for row in cursor.fetchall()]
        tables = [s for s in steps if "conversations_conversation" in s or "actions_action" in s]
        assert len(tables) == 6 and all("USING" in s and "INDEX" in s for s in tables), steps
        assert sum("INDEX conversation_open" in s for s in steps) == 2, steps
