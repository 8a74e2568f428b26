"""The audit log is a chain nobody can edit (core.audit): each entry carries its
predecessor's hash and its own; the database refuses UPDATE and DELETE; `audit_verify`
walks the chain and names the first entry where it breaks, whatever a database
administrator changed behind the application's back.

These run on SQLite by default and on PostgreSQL with DATABASE_URL set to one."""

import contextlib
import threading
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from samtale import tenancy
from samtale.core.audit import (
    GENESIS,
    audit_log,
    audit_source,
    canonical,
    canonical_parts,
    chain_verify,
    entry_hash,
)
from samtale.core.models import AuditEntry
from samtale.org import services as org_services
from samtale.org.models import Person
from testkit.core import audit_triggers_off, audit_writes_fail


def _entries(people, n=4) -> list[AuditEntry]:
    return [
        audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit, fields=[f])
        for f in ["name", "code", "kind", "parent"][:n]
    ]


def _sql(statement: str, params=()) -> None:
    # Its own savepoint: on PostgreSQL a refused statement aborts the transaction around it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify() -> str:
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    return str(error.value)


def test_each_entry_carries_the_hash_of_the_one_before_and_its_own(people):
    first, second, third, _fourth = _entries(people)
    assert second.id == first.id + 1 and third.id == second.id + 1
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEntry.objects.values().get(pk=second.pk)
    assert entry_hash(stored) == second.hash  # as read back from the database
    assert AuditEntry.objects.order_by("id").first().prev_hash == GENESIS


def test_the_canonical_form_never_changes():
    """Every entry ever written is verified by it: a change here breaks every chain."""
    values = {
        "id": 7,
        "at": datetime(2026, 11, 23, 9, 30, 1, 250, tzinfo=UTC),
        "actor_id": 12,
        "actor_name": "Hedda Håkonsen",
        "action": "conversation.read",
        "object_type": "conversations.conversation",
        "object_id": "42",
        "data": {"what": "shared_conclusion", "as": "hr"},
        "ip": "192.0.2.1",
        "prev_hash": "a" * 64,
    }
    assert (
        canonical(values)
        == (
            '{"action":"conversation.read","actor_id":12,"actor_name":"Hedda Håkonsen",'
            '"at":"2026-11-23T09:30:01.000250+00:00","data":{"as":"hr","what":"shared_conclusion"},'
            '"id":7,"ip":"192.0.2.1","object_id":"42","object_type":"conversations.conversation",'
            '"prev_hash":"' + "a" * 64 + '"}'
        ).encode()
    )
    assert entry_hash(values) == "127b9c33aae48fe17d602bdc6663a9ffd1364c8b50b858fb3e1681d5fd600fbc"


def test_the_database_joins_the_canonical_form_from_its_parts():
    """On PostgreSQL the entry's hash is computed by the database, from the canonical form
    cut around the id and the previous hash: joined, the parts are the form, whatever the
    data holds (a nested id, quotes, the cut's own text)."""
    values = {
        "id": None,
        "at": datetime(2026, 11, 23, 9, 30, 1, tzinfo=UTC),
        "actor_id": None,
        "actor_name": 'Å "ø" \\ \x00',
        "action": "x",
        "object_type": "",
        "object_id": ',"id":0,"ip":',
        "data": {"id": 0, "ip": "a", "z": [',"prev_hash":""}']},
        "ip": "",
        "prev_hash": "",
    }
    before, middle = canonical_parts(values)
    for pk, prev in ((1, GENESIS), (123456, "f" * 64)):
        joined = before + str(pk) + middle + prev + '"}'
        assert joined.encode() == canonical(values | {"id": pk, "prev_hash": prev})


def test_an_entry_names_its_actor_and_where_the_action_came_from(people):
    with audit_source("198.51.100.7"):
        entry = audit_log(actor=people.admin, action="unit.update", obj=people.employee.unit)
    assert (entry.actor_id, entry.actor_name, entry.ip) == (
        people.admin.pk,
        "Adam Testesen",
        "198.51.100.7",
    )
    assert (entry.object_type, entry.object_id) == ("org.unit", str(people.employee.unit_id))
    assert audit_log(actor=None, action="x").ip == ""  # the worker, a command


def test_an_entry_holds_no_float_and_nothing_that_is_not_json(people):
    with pytest.raises(TypeError):
        audit_log(actor=people.admin, action="x", share=0.5)
    with pytest.raises(TypeError):
        audit_log(actor=people.admin, action="x", who=people.employee)
    assert not AuditEntry.objects.filter(action="x").exists()


def test_the_database_refuses_to_update_an_entry(people):
    entry = _entries(people, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE core_auditentry SET action = 'changed' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(data={})
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("UPDATE core_auditentry SET actor_id = NULL")  # what SET_NULL would do
    assert AuditEntry.objects.get(pk=entry.pk).action == "unit.update"


def test_the_database_refuses_to_delete_an_entry(people):
    entry = _entries(people, 1)[0]
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM core_auditentry")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_an_entry_outlives_its_actor(people):
    """A person may be deleted (retention): their entries stay, and still name them."""
    entry = audit_log(actor=people.other_employee, action="login")
    Person.objects.filter(pk=people.other_employee.pk).delete()
    kept = AuditEntry.objects.select_related("actor").get(pk=entry.pk)
    assert kept.actor is None and kept.actor_id == people.other_employee.pk
    assert kept.actor_name == "Espen Testesen"
    call_command("audit_verify", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_audit_verify_says_the_chain_is_whole(people, capsys):
    _entries(people)
    count = AuditEntry.objects.count()
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert out.startswith(f"OK: {count} entries")
    assert AuditEntry.objects.order_by("-id").first().hash in out


def test_audit_verify_names_an_entry_whose_content_was_changed_in_sql(people):
    entries = _entries(people)
    with audit_triggers_off():
        _sql(
            "UPDATE core_auditentry SET actor_id = %s WHERE id = %s",
            [people.hr.pk, entries[1].pk],
        )
    message = _verify()
    assert f"broken at entry {entries[1].pk} (" in message
    assert "was changed: its content does not match its hash" in message


def test_audit_verify_names_a_changed_time(people):
    entries = _entries(people)
    with audit_triggers_off():
        _sql(
            "UPDATE core_auditentry SET at = %s WHERE id = %s",
            [datetime(2020, 1, 1, tzinfo=UTC), entries[2].pk],
        )
    assert f"broken at entry {entries[2].pk} " in _verify()


def test_audit_verify_names_a_deleted_entry(people):
    entries = _entries(people)
    with audit_triggers_off():
        _sql("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    message = _verify()
    assert f"broken at entry {entries[1].pk}: entries {entries[1].pk} are missing" in message


def test_audit_verify_names_the_first_entry_deleted(people):
    _entries(people)
    first = AuditEntry.objects.order_by("id").first()
    with audit_triggers_off():
        _sql("DELETE FROM core_auditentry WHERE id = %s", [first.pk])
    assert f"broken at entry {first.pk}: " in _verify()


def test_audit_verify_names_the_entry_after_one_changed_and_given_a_new_hash(people):
    """An attacker who recomputes the changed entry's hash breaks the next one's link."""
    entries = _entries(people)
    changed = AuditEntry.objects.values().get(pk=entries[1].pk) | {"action": "nothing"}
    with audit_triggers_off():
        _sql(
            "UPDATE core_auditentry SET action = %s, hash = %s WHERE id = %s",
            ["nothing", entry_hash(changed), entries[1].pk],
        )
    message = _verify()
    assert f"broken at entry {entries[2].pk} (" in message
    assert f"does not follow entry {entries[1].pk}: the link is broken" in message


def test_the_triggers_are_back_after_a_test_turned_them_off(people):
    entry = _entries(people, 1)[0]
    with audit_triggers_off():
        pass
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])


# An entry that cannot be written makes the action fail --------------------------------


@pytest.fixture
def audit_fails():
    with audit_writes_fail():
        yield


@pytest.mark.django_db(transaction=True)
def test_an_action_whose_entry_cannot_be_written_is_not_committed(audit_fails):
    from testkit.people import make_people

    people = make_people()
    with pytest.raises(DatabaseError, match="the disk is full"):
        org_services.person_create(
            actor=people.admin, first_name="Nina", last_name="Ny", email="nina@test.example"
        )
    with pytest.raises(DatabaseError, match="the disk is full"):
        org_services.person_update(actor=people.admin, person=people.employee, is_hr=True)
    # Read on a connection of its own: nothing of either was committed.
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM org_person WHERE email = 'nina@test.example'")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT is_hr FROM org_person WHERE id = %s", [people.employee.pk])
            assert not cursor.fetchone()[0]
    finally:
        other.close()


def test_an_action_inside_a_larger_transaction_cannot_go_on_after_its_entry_failed(
    people, audit_fails
):
    """The failed entry dooms the whole transaction: no caller can catch the error and
    commit the rest."""
    with pytest.raises(DatabaseError), transaction.atomic():
        with contextlib.suppress(DatabaseError):
            audit_log(actor=people.admin, action="unit.update")
        Person.objects.filter(pk=people.employee.pk).update(job_title="Rektor")
    assert Person.objects.get(pk=people.employee.pk).job_title == "Lærer"


# Appending is serialized ---------------------------------------------------------------


def _shared_database(tmp_path):
    """What the threads write to: PostgreSQL's test database; for SQLite a file, as in
    production (WAL, IMMEDIATE transactions; the in-memory test database would only
    report its shared cache's table locks). Returns what each thread calls first."""
    if connection.vendor != "sqlite":
        return lambda: None
    from django.db.backends.sqlite3.base import DatabaseWrapper

    settings = dict(connection.settings_dict, NAME=str(tmp_path / "audit.sqlite3"))
    assert settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    database = DatabaseWrapper(settings, alias="audit_file")
    with database.schema_editor(atomic=False) as editor:
        editor.create_model(AuditEntry)
    with database.cursor() as cursor:
        for sql in _append_only().SQLITE:
            cursor.execute(sql)
    database.close()

    def use_the_file():
        connection.close()
        connection.settings_dict = settings

    return use_the_file


def _append_only():
    import importlib

    return importlib.import_module("samtale.core.migrations.0004_audit_append_only")


def _in_threads(count, work, before):
    start, errors, results = threading.Barrier(count), [], []

    def run(n):
        try:
            before()
            start.wait()
            results.append(work(n))
        except Exception as error:  # noqa: BLE001 - reported by the caller
            errors.append(error)
        finally:
            connection.close()

    # Each thread in this test's tenant, as a pool's thread is handed its work's.
    threads = [threading.Thread(target=tenancy.carried(run), args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors, results


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_time_append_one_chain(tmp_path):
    """Eight threads, each with its own connection, append 10 entries each at once: one
    chain, no gaps, no fork, no writer refused."""
    use = _shared_database(tmp_path)

    def write(n):
        for i in range(10):
            with transaction.atomic():
                audit_log(actor=None, action="test.concurrent", writer=n, i=i)

    errors, _ = _in_threads(8, write, use)
    assert errors == []
    errors, [(count, result)] = _in_threads(
        1,
        lambda n: (AuditEntry.objects.filter(action="test.concurrent").count(), chain_verify()),
        use,
    )
    assert errors == []
    assert count == 80
    assert result.broken is None and result.count >= 80


# The entries written before the chain ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_entries_before_the_chain_become_its_beginning(people):
    """Migration 0003 numbers the earlier entries 1, 2, 3 … in the order of their ids (a
    PostgreSQL sequence left gaps) and chains them; the triggers come after it."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0002_audit_chain_fields")])
    with connection.cursor() as cursor:
        for pk, action in [(5, "person.create"), (9, "person.update"), (12, "unit.create")]:
            cursor.execute(
                "INSERT INTO core_auditentry (id, at, actor_id, actor_name, action, object_type,"
                " object_id, data, ip, prev_hash, hash)"
                " VALUES (%s, %s, %s, '', %s, 'org.person', '3', %s, '', '', '')",
                [pk, datetime(2026, 1, pk, tzinfo=UTC), people.admin.pk, action, '{"n": 1}'],
            )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = list(AuditEntry.objects.order_by("id").values_list("id", "action", "actor_name"))
    assert rows == [
        (1, "person.create", "Adam Testesen"),
        (2, "person.update", "Adam Testesen"),
        (3, "unit.create", "Adam Testesen"),
    ]
    result = chain_verify()
    assert result.broken is None and result.count == 3
    audit_log(actor=people.hr, action="after")  # the chain goes on from there
    assert chain_verify().count == 4
    with pytest.raises(DatabaseError, match="append-only"):
        _sql("DELETE FROM core_auditentry WHERE id = 1")
