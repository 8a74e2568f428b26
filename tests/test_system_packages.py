"""scripts/system-packages, which `make test` runs first: where this user may not install
Chromium, it says so in one line naming the command, and the browser tests are skipped
naming the same command.

A machine without Chromium is played by SAMTALE_TEST_CHROMIUM, a path that is not there,
which the script and tests/browser/conftest.py both read; one that may not install, by a
user who is not root and has no sudo without a password (root steps down to nobody).
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import _browser_missing

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "system-packages"
SKIPPED = "Not installed: chromium, so the browser tests are skipped; "


def _may_not_install() -> list[str]:
    """The start of a command that runs as a user who may not install packages."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root, and no setpriv to run the script as nobody")
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n", "-u", "nobody"]
    return []


def _run(chromium: str, *, ci: str = "") -> subprocess.CompletedProcess:
    """The script as `make test` runs it, read from its standard input: the other user need
    not be able to read this checkout."""
    command = [
        *_may_not_install(),
        "env",
        f"SAMTALE_TEST_CHROMIUM={chromium}",
        f"CI={ci}",
        "sh",
        "-s",
        "--",
        "--test",
    ]
    return subprocess.run(
        command, input=SCRIPT.read_text(), capture_output=True, text=True, cwd="/", timeout=60
    )


def _chromium_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if "chromium" in line]


def test_where_it_may_not_install_chromium_it_names_the_command_in_one_line(tmp_path):
    result = _run(str(tmp_path / "chromium"))
    assert result.returncode == 0, result.stderr
    if shutil.which("apt-get"):
        assert _chromium_lines(result) == [f"{SKIPPED}run: sudo apt-get install chromium"]
    else:
        assert _chromium_lines(result) == [
            f"{SKIPPED}install with your package manager (on Debian: apt-get install chromium)"
        ]


def test_under_ci_a_chromium_it_may_not_install_fails_the_run(tmp_path):
    result = _run(str(tmp_path / "chromium"), ci="true")
    assert result.returncode == 1
    assert "CI=true: every system package must be installed" in result.stderr


def test_where_chromium_is_it_says_nothing_of_it():
    result = _run("/bin/sh")
    assert result.returncode == 0, result.stderr
    assert _chromium_lines(result) == []


def test_the_browser_tests_are_skipped_naming_the_same_command(tmp_path):
    chromium = str(tmp_path / "chromium")
    reason = _browser_missing(chromium)
    assert reason is not None and reason.startswith(f"{chromium} is not installed; ")
    if shutil.which("apt-get"):
        sudo = "" if os.geteuid() == 0 else "sudo "
        assert reason.endswith(f"; run: {sudo}apt-get install chromium")
    # An executable where the tests look: they run.
    assert _browser_missing("/bin/sh") is None
