"""The dev server lets each database connection go with its request (issue 36).

`make run` serves with `manage.py runserver`, a thread per browser connection; a kept
database connection per thread filled PostgreSQL's 100 with 15–20 people autosaving.
The settings are loaded in a fresh process, as the command line would load them.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SHOW = (
    "import sys; sys.argv = {argv!r}; "
    "from config import settings; "
    "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
)


def conn_max_age(argv: list[str], **env: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", SHOW.format(argv=argv)],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(result.stdout.strip())


POSTGRES = "postgres://samtale:secret@db.example.no:5432/samtale"


@pytest.mark.parametrize(
    "argv",
    [
        ["manage.py", "runserver", "127.0.0.1:8000"],
        ["/usr/bin/django-admin", "runserver"],
        ["/x/django/__main__.py", "runserver", "--noreload"],
    ],
    ids=["manage.py", "django-admin", "python -m django"],
)
def test_it_closes_each_connection_under_the_dev_server_whatever_the_environment_says(argv):
    assert conn_max_age(argv, DATABASE_URL=POSTGRES, DB_CONN_MAX_AGE="60") == 0
    assert conn_max_age(argv, DATABASE_URL=POSTGRES, DB_CONN_MAX_AGE="600") == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["/venv/bin/gunicorn", "config.wsgi", "--workers", "4"],
        ["manage.py", "worker"],
        ["manage.py", "scheduler"],
    ],
    ids=["gunicorn", "worker", "scheduler"],
)
def test_it_keeps_db_conn_max_age_outside_the_dev_server(argv):
    assert conn_max_age(argv, DATABASE_URL=POSTGRES, DB_CONN_MAX_AGE="60") == 60
    assert conn_max_age(argv, DATABASE_URL=POSTGRES, DB_CONN_MAX_AGE="0") == 0
