"""What a PostgreSQL dump may hold before it is restored (`manage.py restore`, `tenants
restore`, `tenants move`): only what the product's migrations make. A dump is read with
`pg_restore --list` before anything of it runs, and refused, naming what it holds besides:

- any kind of object the migrations never make: event triggers, extensions, rules, views,
  procedures, aggregates, operators, casts, languages, policies, foreign servers, publications,
  another schema's objects;
- a function or trigger the migrations do not make, or one of theirs whose definition is
  not theirs (compared with the same object in a database the migrations made, the
  reference: the template, or the database restored into).

A restore connects as the tenant's own role besides (docs/running/tenants.md), so even what
this check cannot see (a CHECK constraint calling a built-in) runs with no right beyond the
tenant's own database. No migration has changed a function's body so far; one that does must
teach `_same` its earlier body, or dumps taken before it are refused."""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import DatabaseError
from django.db.utils import load_backend

from samtale.core.libpq import pg_env
from samtale.tenancy import Tenant, activated, close_connections, servers

logger = logging.getLogger(__name__)

# The kinds of entry pg_dump writes for what the migrations make, longest first.
KINDS = (
    "SEQUENCE OWNED BY",
    "ACL",  # the grants an operator gave on the product's tables (docs/running/backup.md)
    "FK CONSTRAINT",
    "SEQUENCE SET",
    "TABLE DATA",
    "CONSTRAINT",
    "SEQUENCE",
    "FUNCTION",
    "TRIGGER",
    "DEFAULT",
    "INDEX",
    "TABLE",
)
CODE = ("FUNCTION", "TRIGGER")
SCHEMA = "public"
# "<id>; <catalog> <oid> <what>": the table of contents' lines (comments start with ";").
_ENTRY = re.compile(r"^(\d+); \d+ \d+ (.*)$")


def reference(folder: Path, restored_into: dict[str, Any] | None = None) -> Path:
    """A schema-only dump of a database the migrations made, in `folder`: the tenants'
    template on the installation's own server where there is one (`tenants migrate` keeps it
    at the latest migration), else a database made, migrated and dropped for the purpose (a
    few seconds). Only where the installation's role may make no database (an installation
    of one municipality, its role without CREATEDB) the database `restored_into` (its
    settings) stands in, as its migrations left it, and the log says so."""
    direct = servers.direct(servers.OWN)
    out = folder / "reference.dump"
    template = servers.template_name()
    with _connected(direct) as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        found = cursor.fetchone() is not None
    if found:
        _pg_dump({**direct, "NAME": template}, out)
        return out
    scratch = f"{template}_check_{secrets.token_hex(4)}"
    try:
        with _connected(direct) as cursor:
            cursor.execute(f'CREATE DATABASE "{scratch}"')
    except DatabaseError as refused:
        if restored_into is None:
            raise DumpRefused(f"No database to check the dump against: {refused}") from None
        logger.warning(
            "The dump is checked against the database it is restored into: there is no "
            "template, and the installation's role may make no database (%s).",
            str(refused).strip(),
        )
        _pg_dump(restored_into, out)
        return out
    try:
        made = Tenant(slug=f"_{scratch}", name="", url="", database={**direct, "NAME": scratch})
        with activated(made):
            call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
        close_connections(made.slug)
        _pg_dump({**direct, "NAME": scratch}, out)
    finally:
        with _connected(direct) as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return out


@contextmanager
def _connected(config: dict[str, Any]) -> Iterator[Any]:
    """A cursor of a connection of its own to the server's maintenance database, outside
    any transaction (CREATE DATABASE runs in none)."""
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, "dumps-reference")
    try:
        with wrapper.cursor() as cursor:
            yield cursor
    finally:
        wrapper.close()


def _pg_dump(config: dict[str, Any], out: Path) -> None:
    program = shutil.which("pg_dump")
    if program is None:
        raise DumpRefused("pg_dump (PostgreSQL's client programs) is needed to check a dump.")
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [program, "--no-password", "--schema-only", "--format=custom", f"--file={out}"]
        + [f"--dbname={config['NAME']}"],
        env=pg_env(config),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise DumpRefused(
            f"What the migrations make could not be read: {done.stderr.strip()[:500]}"
        )


class DumpRefused(Exception):
    """A dump holding what the migrations do not make: nothing of it was restored."""


def entries(dump: Path, env: Mapping[str, str]) -> list[tuple[str, str]]:
    """(id, what) of each entry of the dump's table of contents."""
    listed = _pg_restore(["--list", str(dump)], env)
    return [(found[1], found[2]) for line in listed.splitlines() if (found := _ENTRY.match(line))]


def kind_of(what: str) -> str:
    """The entry's kind when it is one the migrations make in their schema, else ""."""
    for kind in KINDS:
        if what.startswith(f"{kind} {SCHEMA} "):
            return kind
    return ""


def check(dump: Path, reference: Path, env: Mapping[str, str]) -> None:
    """DumpRefused naming what `dump` holds that the migrations do not make; `reference` is
    a dump (schema only will do) of a database the migrations made."""
    listed = entries(dump, env)
    foreign = [_shown(what) for _, what in listed if not kind_of(what)]
    code = [(number, what) for number, what in listed if kind_of(what) in CODE]
    theirs = _definitions(
        reference, [e for e in entries(reference, env) if kind_of(e[1]) in CODE], env
    )
    for name, definition in _definitions(dump, code, env).items():
        if name not in theirs:
            foreign.append(name)
        elif not _same(definition, theirs[name]):
            foreign.append(f"{name} (not as the migrations make it)")
    if foreign:
        shown = "; ".join(sorted(foreign)[:10])
        more = f" and {len(foreign) - 10} more" if len(foreign) > 10 else ""
        raise DumpRefused(
            f"The dump holds what Samtale's migrations do not make, so nothing of it was "
            f"restored: {shown}{more}."
        )


def _shown(what: str) -> str:
    """An entry as the refusal names it: its kind, schema and name, not its owner."""
    return what.rsplit(" ", 1)[0] if what.count(" ") >= 3 else what


def _same(definition: str, reference: str) -> bool:
    """Whether an object of the dump is defined as the reference's. A trigger switched off in
    the reference (a database restored into, where an operator may have) is compared as the
    migrations make it, on; in the dump it must be on."""
    made = "\n".join(line for line in reference.splitlines() if not _SWITCHED.match(line))
    return definition == made


_SWITCHED = re.compile(r"^ALTER TABLE .* (ENABLE|DISABLE)( ALWAYS| REPLICA)? TRIGGER ")


def _definitions(
    dump: Path, listed: list[tuple[str, str]], env: Mapping[str, str]
) -> dict[str, str]:
    """Each listed entry's SQL, as pg_restore writes it without owners, by its name and kind
    ("samtale_goal_added(): FUNCTION")."""
    if not listed:
        return {}
    with tempfile.NamedTemporaryFile("w", suffix=".list") as selection:
        selection.write("".join(f"{number};\n" for number, _ in listed))
        selection.flush()
        sql = _pg_restore(
            ["--no-owner", "--no-acl", "--use-list", selection.name, "--file", "-", str(dump)],
            env,
        )
    found = {}
    for block in sql.split("\n-- Name: ")[1:]:
        header, _, body = block.partition("\n")
        name, kind = header.split("; Type: ")[0], header.split("; Type: ")[1].split(";")[0]
        statement = "\n".join(
            line
            for line in body.splitlines()
            # psql's meta-commands (\unrestrict, with a key new in every dump) are no SQL
            if line.strip() and not line.startswith(("--", "\\"))
        )
        found[f"{name}: {kind}"] = statement
    return found


def _pg_restore(args: list[str], env: Mapping[str, Any]) -> str:
    program = shutil.which("pg_restore")
    if program is None:
        raise DumpRefused("pg_restore (PostgreSQL's client programs) is needed to read a dump.")
    done = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [program, *args], env=dict(env), capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise DumpRefused(f"pg_restore could not read the dump: {done.stderr.strip()[:500]}")
    return done.stdout
