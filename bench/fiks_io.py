"""Benchmark: a signed form to the municipality's archive over Fiks IO, through fiks_simulator
(KS's Fiks IO and Digdir's Maskinporten, played by code that shares none of Samtale's).

    .venv/bin/python bench/fiks_io.py        # make bench-fiks

Runs the scenarios of samtale/archive/tests/test_fiks_io.py with SAMTALE_FIKS_MEASURE=1, on
SQLite and the RabbitMQ at AMQP_URL, and prints what each measured:

- from the second signature to the journal number: seconds (the PDF/A rendered first, as
  in production), Maskinporten tokens fetched, HTTPS requests to Fiks IO;
- the same with a 401, three 503s and a slow answer injected: send requests, tokens,
  attempts, final states, records filed, messages doubled;
- a server certificate that does not verify: what the archive staff are told;
- two municipalities: each token's consumer_org.

The tests themselves assert the behaviour (never a duration); this only prints. Machines
here differ up to 2× in speed: compare figures from one run.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-s",
            "-p",
            "no:randomly",
            "samtale/archive/tests/test_fiks_io.py",
        ],
        cwd=ROOT,
        env={**os.environ, "SAMTALE_FIKS_MEASURE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    figures = [line for line in done.stdout.splitlines() if line.startswith("fiks-io: ")]
    for line in figures:
        print(line)
    summary = [line for line in done.stdout.splitlines() if " passed" in line or "failed" in line]
    print(summary[-1] if summary else done.stdout[-2000:] + done.stderr[-2000:])
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
