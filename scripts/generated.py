"""A file made from the code (the settings tables, the typed tenant settings): written
again, or, with --check, compared with what it should be."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_or_check(path: Path, wanted: str, argv: list[str], *, what: str, run: str) -> int:
    """Write `wanted` to `path`; with --check in `argv`, 1 and a line saying to `run` when
    the file is not `wanted` (what it should follow: `what`)."""
    if "--check" in argv:
        if not path.exists() or path.read_text(encoding="utf-8") != wanted:
            print(f"{path.relative_to(ROOT)} does not follow {what}: run {run}", file=sys.stderr)
            return 1
        return 0
    path.write_text(wanted, encoding="utf-8")
    return 0
