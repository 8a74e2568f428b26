"""The operator's walk on a laptop (docs/running/laptop.md, tenants.md), command by command
as the docs give it: `make manage` runs manage.py the way `make run` does, from nothing to
a third municipality with its first administrator; a bare `manage.py` in a checkout is
production's and says where to go instead."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
# What the test process itself has set (config/settings_test.py and the like): a laptop
# has none of them.
UNSET = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_SETTINGS_MODULE")


def _env(folder: Path, **more) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET and not k.startswith("SAMTALE_")}
    env.pop("CONTROL_DATABASE_URL", None)
    return {**env, "DATABASE_URL": f"sqlite:///{folder}/samtale.sqlite3", "PORT": "8765", **more}


def _make(folder: Path, args: str, **more) -> subprocess.CompletedProcess:
    # -o: the virtual environment is there (this test runs in it); make it no again.
    return subprocess.run(
        ["make", "--no-print-directory", f"VENV={VENV}", "-o", f"{VENV}/.run", "manage"]
        + [f"ARGS={args}"],
        cwd=ROOT,
        env=_env(folder, **more),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _walk() -> list[str]:
    """The `make manage ARGS=…` commands of docs/running/tenants.md's walk, in order."""
    page = (ROOT / "docs" / "running" / "tenants.md").read_text()
    block = page.split("<!-- walk -->", 1)[1].split("<!-- end of the walk -->", 1)[0]
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = line.split("  #", 1)[0].strip()
        if line.startswith("make manage ARGS="):
            commands.append(shlex.split(line)[2].removeprefix("ARGS="))
    return commands


def test_the_docs_walk_from_nothing_to_a_third_municipality_with_its_administrator(tmp_path):
    walk = _walk()
    assert [args.split()[:2] for args in walk] == [
        ["tenants", "migrate"],
        ["tenants", "create"],
        ["tenants", "run"],
        ["tenants", "list"],
    ]
    said = []
    for args in walk:
        if "createsuperuser" in args:  # the docs' is asked for a password; here it is given
            args += " --noinput"
        done = _make(tmp_path, args, DJANGO_SUPERUSER_PASSWORD="sorvik-admin-2026")
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        said.append(done.stdout)
    # The address with make run's scheme and port: the e-mails' links lead to it.
    assert "Created Sørvik kommune (sorvik) at http://sorvik.localhost:8765" in said[1]
    assert "Superuser created successfully." in said[2]
    # As the pages name them: make run's home municipality, and the new one.
    assert "Fjordvik kommune  http://127.0.0.1:8765  active" in said[3]
    assert "Sørvik kommune  http://sorvik.localhost:8765  active" in said[3]
    assert (tmp_path / "tenants" / "sorvik.sqlite3").exists()


def test_make_manage_without_a_command_says_how(tmp_path):
    done = _make(tmp_path, "")
    assert done.returncode != 0
    assert 'make manage ARGS="tenants list"' in done.stderr


def test_a_bare_manage_py_in_a_checkout_refuses_and_points_to_make_manage(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "tenants", "list"],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr
    if (ROOT / ".git").exists():
        assert 'make manage ARGS="…"' in done.stderr
