"""An operator's laptop for the first-time task municipality-added (test_moments_tasks.py): a
checkout where `make run` runs, its databases in a folder of the test's own (in place of
var/), and the commands the operator types, run for real and counted."""

import os
import shlex
import shutil
import signal
import socket
import subprocess
from pathlib import Path

from tests.browser.first_time import Task

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MAKE = shutil.which("make") or "/usr/bin/make"


def _argv(command: str) -> list[str]:
    """A command line as the shell splits it (`make manage ARGS="…"`), make found on PATH."""
    argv = shlex.split(command)
    return [MAKE, *argv[1:]] if argv[0] == "make" else argv


class Laptop:
    """A checkout on an operator's laptop: its databases in a folder of the test's own (in
    place of var/), migrated as `make run` leaves them, and the app served as `make run`
    serves it. `run` is a command the operator types: counted."""

    def __init__(self, folder: Path, task: Task):
        self.task = task
        self.folder = folder
        (folder / "tenants").mkdir(parents=True)
        # An operator's shell: none of the test run's settings, the databases in the folder.
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "USER")
        }
        self.env.update(
            DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
            CONTROL_DATABASE_URL=f"sqlite:///{folder}/control.sqlite3",
            SAMTALE_TENANT_DATABASES=f"{folder}/tenants/",
        )
        self.port = _free_port()
        self.env["PORT"] = str(self.port)  # `make run`'s port on this laptop
        self.outputs: list[str] = []
        # `make` would set up .venv again were it older than pyproject.toml: not in a test
        # that shares it (the operator's command is the same either way).
        fresh = subprocess.run([MAKE, "-q", ".venv/.run"], cwd=ROOT, check=False).returncode
        self.make = "make" if fresh == 0 else "make -o .venv/.run"
        self._quiet("tenants -v0 migrate")
        self.server = subprocess.Popen(
            _argv(
                f'{self.make} manage ARGS="runserver --skip-checks --noreload 127.0.0.1:{self.port}"'
            ),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _quiet(self, args: str) -> None:
        """What `make run` did before the task: not counted."""
        subprocess.run(
            _argv(f'{self.make} manage ARGS="{args}"'),
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def run(self, command: str, **extra: str) -> subprocess.CompletedProcess:
        """`command` as the operator types it in the checkout (`make manage ARGS="…"`), with
        `extra` in its environment: counted."""
        self.task.commands += 1
        self.task.path.append(
            f"operator: $ {' '.join(f'{k}={v}' for k, v in extra.items())} {command}".strip()
        )
        done = subprocess.run(
            _argv(command),
            cwd=ROOT,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            check=False,
        )
        self.outputs.append(done.stdout + done.stderr)
        return done

    def close(self) -> None:
        os.killpg(self.server.pid, signal.SIGTERM)
        self.server.wait(timeout=20)
