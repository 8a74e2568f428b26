"""The layers hold: import-linter's contracts in pyproject.toml (core imports no domain
app, nothing in the product imports the demo tooling, no app imports one above it), run as
`make lint` does, so that CI fails on an arrow that runs back up, with its import chain."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
