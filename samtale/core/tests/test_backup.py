"""`manage.py backup` and `manage.py restore` (samtale.core.backup), on the database the
suite runs on.

The round trips run the commands as production does, in processes of their own on the
test's database (testkit.live; SQLite's in-memory test database is copied to
a file first). The refusals and the file's name need no second process: a refusal comes
before the database is touched, and a backup reads the test's own connection.
"""

import importlib
import io
import re
import shutil
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from samtale.actions.models import Action
from samtale.actions.services import action_update
from samtale.core.backup import MAGIC, NAMES, SUFFIX, file_sha256
from samtale.org.models import Person, Unit
from samtale.org.services import unit_create
from testkit.live import SharedDatabase, manage, manage_run, shared_database
from testkit.people import goals_version, school_round, signed_conversation

# The test's own connection, read as the shared database is (SQLite in memory included).
HERE = SharedDatabase(url="")


def make_data(people) -> None:
    """Rows in most tables, through the services and each with its audit entries: a round
    over the school (its participants, counted per leader and unit by triggers), a signed
    conversation whose action is followed up, a new unit."""
    school_round(people)
    conversation = signed_conversation(
        people.employee,
        people.leader,
        [(date.today() + timedelta(days=30), Action.Responsible.EMPLOYEE, "not_started")],
        version=goals_version(),
    )
    action_update(
        actor=people.leader,
        action=Action.objects.get(goal__conversation=conversation),
        status=Action.Status.IN_PROGRESS,
        comment="Godt i gang",
    )
    unit_create(
        actor=people.admin,
        code="T2",
        name="Team 2",
        kind=Unit.Kind.TEAM,
        parent=Unit.objects.get(code="D2"),
    )


def dump(database: SharedDatabase) -> dict[str, list[tuple]]:
    """Every table of the database, its rows sorted, as text; on PostgreSQL the sequences'
    positions too (SQLite keeps its own in the table sqlite_sequence)."""
    if connection.vendor == "sqlite":
        tables = database.query("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        tables = database.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    result = {
        table: sorted(tuple(map(repr, row)) for row in database.query(f'SELECT * FROM "{table}"'))
        for (table,) in tables
    }
    if connection.vendor == "postgresql":
        result["(sequences)"] = sorted(
            tuple(map(repr, row))
            for row in database.query(
                "SELECT sequencename, last_value FROM pg_sequences "
                "WHERE schemaname = current_schema()"
            )
        )
    return result


def triggers(database: SharedDatabase) -> list[tuple]:
    """Every trigger as the database itself writes it out (on PostgreSQL with whether it is
    on, and its function's whole text)."""
    if connection.vendor == "sqlite":
        return database.query(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        )
    return database.query(
        "SELECT c.relname, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), "
        "pg_get_functiondef(t.tgfoid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal ORDER BY 1, 2"
    )


def differences(expected: dict, actual: dict) -> dict[str, dict]:
    """Each table that differs, with a few rows missing and a few extra: the whole dump
    would drown the message."""
    found = {}
    for table in sorted(expected.keys() | actual.keys()):
        if expected.get(table) != actual.get(table):
            want, have = set(expected.get(table, [])), set(actual.get(table, []))
            found[table] = {"missing": sorted(want - have)[:3], "extra": sorted(have - want)[:3]}
    return found


def change_after_the_backup(database: SharedDatabase, people) -> None:
    """What may happen to a database after its backup: rows changed, deleted (the round's
    counts follow by trigger) and added, and the audit log's triggers turned off, as its
    owner could, and an entry altered."""
    database.execute(
        "UPDATE org_person SET first_name = 'Endret' WHERE id = ?", [people.employee.pk]
    )
    database.execute(
        "DELETE FROM rounds_participant WHERE person_id = ?", [people.other_employee.pk]
    )
    database.execute("DELETE FROM actions_actionupdate")
    database.execute(
        "INSERT INTO org_unit (code, name, kind, is_active, created_at, updated_at) "
        "VALUES ('NY', 'Ny virksomhet', 'enterprise', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [True],
    )
    if connection.vendor == "sqlite":
        append_only = importlib.import_module("samtale.core.migrations.0004_audit_append_only")
        for sql in append_only.SQLITE_DROP:
            database.execute(sql)
    else:
        database.execute("ALTER TABLE core_auditentry DISABLE TRIGGER audit_append_only")
    database.execute("UPDATE core_auditentry SET actor_name = 'Noen andre' WHERE id = 1")


def snapshot_in(folder: Path) -> Path:
    [snapshot] = [p for p in folder.iterdir() if p.suffix == SUFFIX[connection.vendor]]
    return snapshot


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_named_by_database_and_time_with_a_checksum_sha256sum_accepts(
    people, tmp_path, settings
):
    settings.BASE_DIR = tmp_path
    out = io.StringIO()
    call_command("backup", stdout=out)
    folder = tmp_path / "var" / "backups"
    snapshot = snapshot_in(folder)
    kind = connection.vendor
    stamp = re.fullmatch(rf"samtale-{kind}-(\d{{8}}T\d{{6}}Z)\{SUFFIX[kind]}", snapshot.name)
    assert stamp
    taken = datetime.strptime(stamp[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - taken) < timedelta(minutes=1)
    sha256 = file_sha256(snapshot)
    assert (folder / f"{snapshot.name}.sha256").read_text() == f"{sha256}  {snapshot.name}\n"
    assert sorted(p.name for p in folder.iterdir()) == [snapshot.name, f"{snapshot.name}.sha256"]
    checked = subprocess.run(
        [shutil.which("sha256sum"), "-c", f"{snapshot.name}.sha256"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (checked.returncode, checked.stdout) == (0, f"{snapshot.name}: OK\n")
    printed = out.getvalue()
    assert str(snapshot) in printed and sha256 in printed
    assert f"{snapshot.stat().st_size:,} bytes" in printed


def test_a_backup_never_writes_over_a_file(tmp_path):
    existing = tmp_path / "samtale.sqlite3"
    existing.write_text("an earlier snapshot")
    with pytest.raises(CommandError, match="No backup was made.*already exists"):
        call_command("backup", output=str(existing))
    assert existing.read_text() == "an earlier snapshot"
    assert [p.name for p in tmp_path.iterdir()] == ["samtale.sqlite3"]


def backup_then_change(people, tmp_path):
    """A snapshot, then a change it does not have: what a restore would undo."""
    call_command("backup", output=f"{tmp_path}/", stdout=io.StringIO())
    Person.objects.filter(pk=people.employee.pk).update(first_name="Endret")
    return snapshot_in(tmp_path)


def flip_a_byte(snapshot, checksum):
    with snapshot.open("r+b") as file:
        file.seek(200)
        byte = file.read(1)
        file.seek(200)
        file.write(bytes([byte[0] ^ 1]))


def other_files_checksum(snapshot, checksum):
    checksum.write_text(f"{'0' * 64}  {snapshot.name}\n")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "damage, message",
    [
        (flip_a_byte, "does not match its checksum"),
        (other_files_checksum, "does not match its checksum"),
        (lambda snapshot, checksum: checksum.unlink(), "is missing"),
    ],
    ids=["a byte changed", "another file's checksum", "no checksum file"],
)
def test_a_snapshot_without_its_checksum_is_refused_and_nothing_changes(
    people, tmp_path, damage, message
):
    snapshot = backup_then_change(people, tmp_path)
    damage(snapshot, snapshot.with_name(f"{snapshot.name}.sha256"))
    before = dump(HERE)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(snapshot), yes=True)
    assert differences(before, dump(HERE)) == {}
    assert Person.objects.get(pk=people.employee.pk).first_name == "Endret"


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_of_the_other_database_is_refused(people, tmp_path):
    other = next(kind for kind in MAGIC if kind != connection.vendor)
    snapshot = tmp_path / f"samtale-{other}-20261124T071500Z{SUFFIX[other]}"
    snapshot.write_bytes(MAGIC[other] + b"\0" * 100)
    snapshot.with_name(f"{snapshot.name}.sha256").write_text(
        f"{file_sha256(snapshot)}  {snapshot.name}\n"
    )
    with pytest.raises(CommandError, match="cannot be restored here"):
        call_command("restore", str(snapshot), yes=True)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db(transaction=True)
def test_restore_without_yes_is_refused_when_there_is_no_terminal_to_ask(
    people, tmp_path, monkeypatch
):
    snapshot = backup_then_change(people, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # piped in: not an answer
    with pytest.raises(CommandError, match="no terminal"):
        call_command("restore", str(snapshot))
    assert Person.objects.get(pk=people.employee.pk).first_name == "Endret"


@pytest.mark.django_db(transaction=True)
def test_restore_at_a_terminal_asks_and_stops_unless_told_yes(people, tmp_path, monkeypatch):
    snapshot = backup_then_change(people, tmp_path)
    monkeypatch.setattr("sys.stdin", Terminal("no\n"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("restore", str(snapshot), stdout=out)
    assert f"This replaces everything in the {NAMES[connection.vendor]} database" in out.getvalue()
    assert Person.objects.get(pk=people.employee.pk).first_name == "Endret"


# The round trips, in processes of their own. They name the tenant of the test database, as
# an operator of an installation that serves several does (docs/running/tenants.md: backup
# and restore refuse to choose one; CI's PostgreSQL suite registers a second).
IN_OWN = ("--tenant", settings.SAMTALE_TENANT)


@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_table_and_trigger_as_the_backup_took_them(people, tmp_path):
    """Rows made through the services, a snapshot, then rows changed, deleted and added and
    the audit log's triggers off with an entry altered: after the restore every table (on
    PostgreSQL every sequence too) and every trigger is as the snapshot took it, and
    audit_verify recomputes a whole chain."""
    make_data(people)
    database = shared_database(tmp_path)
    env = database.env()
    manage_run("backup", *IN_OWN, "--output", f"{tmp_path}/backups/", env=env)
    snapshot = snapshot_in(tmp_path / "backups")
    backed_up, backed_up_triggers = dump(database), triggers(database)
    assert all(backed_up[t] for t in ("core_auditentry", "rounds_roundcount", "actions_action"))
    assert len(backed_up_triggers) >= 10

    change_after_the_backup(database, people)
    changed = differences(backed_up, dump(database))
    assert changed.keys() >= {
        "org_person",
        "rounds_participant",
        "rounds_roundcount",
        "actions_actionupdate",
        "org_unit",
        "core_auditentry",
    }
    assert triggers(database) != backed_up_triggers

    assert "Restored" in manage_run("restore", *IN_OWN, str(snapshot), "--yes", env=env)
    # PostgreSQL: the restore dropped and created again every table the test's connection
    # had statements prepared on; a new connection starts clean.
    connection.close()
    assert differences(backed_up, dump(database)) == {}
    assert triggers(database) == backed_up_triggers
    assert manage_run("audit_verify", *IN_OWN, env=env).startswith("OK")
    with pytest.raises(Exception, match="append-only"):
        database.execute("UPDATE core_auditentry SET actor_name = 'x' WHERE id = 1")


WRITE = """
import pathlib, time
from samtale.org.models import Person, Unit
from samtale.org.services import unit_create
admin = Person.objects.get(email="admin@test.example")
school = Unit.objects.get(code="E")
stop, until, n = pathlib.Path({stop!r}), time.monotonic() + 60, 0
while not stop.exists() and time.monotonic() < until:
    unit_create(actor=admin, code=f"W{{n:05d}}", name="Skrevet", kind="department", parent=school)
    n += 1
print(n)
"""


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_the_app_writes_holds_one_moment(people, tmp_path):
    """Another process adds units through the service the whole time, each unit and its
    audit entry in one transaction: the snapshot holds the first k of them, each with its
    entry, and the chain's links unbroken (the round trip above recomputes its hashes)."""
    database = shared_database(tmp_path)
    env = database.env()
    stop = tmp_path / "stop"

    def written() -> int:
        return database.query("SELECT COUNT(*) FROM org_unit WHERE code LIKE ?", ["W%"])[0][0]

    def wait_until(condition) -> None:
        until = time.monotonic() + 30
        while not condition():
            assert time.monotonic() < until, (tmp_path / "writer.log").read_text()
            time.sleep(0.05)

    with (tmp_path / "writer.log").open("w") as log:
        writer = manage("shell", "-c", WRITE.format(stop=str(stop)), env=env, log=log)
        try:
            wait_until(lambda: written() > 0)
            before = written()
            manage_run("backup", *IN_OWN, "--output", f"{tmp_path}/backups/", env=env)
            after = written()
            wait_until(lambda: written() > after + 5)
        finally:
            stop.touch()
            writer.wait(timeout=30)
    assert after > before, "the writer wrote while the backup ran"

    manage_run("restore", *IN_OWN, str(snapshot_in(tmp_path / "backups")), "--yes", env=env)
    connection.close()
    units = database.query("SELECT id, code FROM org_unit WHERE code LIKE ? ORDER BY code", ["W%"])
    kept = len(units)
    assert [code for _id, code in units] == [f"W{n:05d}" for n in range(kept)]
    assert 0 < kept < int((tmp_path / "writer.log").read_text().split()[-1])
    entries = database.query("SELECT object_id FROM core_auditentry WHERE action = 'unit.create'")
    assert sorted(int(object_id) for (object_id,) in entries) == sorted(i for i, _c in units)
    chain = database.query("SELECT id, prev_hash, hash FROM core_auditentry ORDER BY id")
    assert [entry_id for entry_id, _p, _h in chain] == list(range(1, len(chain) + 1))
    assert all(entry[1] == before[2] for before, entry in zip(chain, chain[1:], strict=False))


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_sealed_for_the_operators_key_and_restored_with_it(people, tmp_path, settings):
    """SAMTALE_BACKUP_RECIPIENTS set: no snapshot in clear is left, age itself opens the sealed
    one with the operator's key, and restore opens it with that key, refusing another's."""
    from pyrage import x25519

    operator = x25519.Identity.generate()
    (tmp_path / "operator.txt").write_text(f"{operator}\n")
    settings.SAMTALE_BACKUP_RECIPIENTS = [str(operator.to_public())]
    out = io.StringIO()
    call_command("backup", output=f"{tmp_path}/b/", stdout=out)
    assert "sealed for the operator" in out.getvalue()
    (sealed,) = (tmp_path / "b").glob("samtale-*.age")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        sealed.name,
        f"{sealed.name}.sha256",
    ]
    assert not sealed.read_bytes().startswith(MAGIC[connection.vendor])
    assert people.employee.email.encode() not in sealed.read_bytes()
    opened = subprocess.run(  # age's own implementation, not Samtale's
        [shutil.which("age") or "age", "-d", "-i", str(tmp_path / "operator.txt"), str(sealed)],
        capture_output=True,
        check=True,
    ).stdout
    assert opened.startswith(MAGIC[connection.vendor])

    Person.objects.filter(pk=people.employee.pk).update(first_name="Endret")
    with pytest.raises(CommandError, match="give the operator's key file"):
        call_command("restore", str(sealed), "--yes")
    (tmp_path / "other.txt").write_text(f"{x25519.Identity.generate()}\n")
    with pytest.raises(CommandError, match="sealed for another key"):
        call_command("restore", str(sealed), "--yes", "--identity", str(tmp_path / "other.txt"))
    assert Person.objects.get(pk=people.employee.pk).first_name == "Endret"
    call_command(
        "restore",
        str(sealed),
        "--yes",
        "--identity",
        str(tmp_path / "operator.txt"),
        stdout=io.StringIO(),
    )
    connection.close()
    assert Person.objects.get(pk=people.employee.pk).first_name == people.employee.first_name


def test_a_backup_deletes_the_snapshots_older_than_the_period_from_its_folder(tmp_path, settings):
    from samtale.core.backup import snapshots_expired_delete

    settings.SAMTALE_BACKUP_DAYS = 14
    now = datetime(2026, 11, 29, 2, 15, tzinfo=UTC)
    names = {
        "samtale-sqlite-20261114T021400Z.sqlite3": True,  # 15 days and a minute: deleted
        "samtale-postgresql-20261115T030000Z.dump.age": False,  # 13 days and 23 hours: kept
        "samtale-sqlite-20261128T021500Z.sqlite3": False,
        "notes.txt": False,  # not ours
    }
    for name in names:
        (tmp_path / name).write_text("x")
        (tmp_path / f"{name}.sha256").write_text("x")
    deleted = snapshots_expired_delete(tmp_path, now)
    assert [p.name for p in deleted] == [n for n, gone in names.items() if gone]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f for n, gone in names.items() if not gone for f in (n, f"{n}.sha256")
    )
