"""How PostgreSQL's own programs (pg_dump, pg_restore) are told where to connect: the
environment libpq reads, made from Django's settings for a database."""

import os
from collections.abc import Mapping
from typing import Any

# The connection options that libpq also reads from the environment (pg_dump, pg_restore).
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def pg_env(config: Mapping[str, Any], *, options: str = "") -> dict[str, str]:
    """The environment pg_dump and pg_restore connect with, made from Django's settings for
    the database: the password in PGPASSWORD, never on a command line that `ps` shows."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if config.get(key):
            env[name] = str(config[key])
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])
    for option, name in LIBPQ_ENV.items():
        if config.get("OPTIONS", {}).get(option):
            env[name] = str(config["OPTIONS"][option])
    if options:
        env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {options}".strip()
    return env
