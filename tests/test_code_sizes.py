"""No module over 500 lines and no function over 60 (issue 47): a module or a function that
long does several jobs, and a reader has to hold them all. Migrations are left out (Django
writes them). A module counts its lines; a function, from its `def` to the last line of its
body, docstring included.

STILL_LONG lists what was over a limit when the limits came, each at the length it had: it
may shrink, and must leave the list once within the limit; nothing may join it or grow."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("samtale", "config", "tests", "bench", "scripts")
MODULE_LINES, FUNCTION_LINES = 500, 60

# "path" for a module, "path:function" for a function (its first definition of that name).
STILL_LONG: dict[str, int] = {}


def _sizes() -> dict[str, int]:
    found = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            source = path.read_text()
            name = str(path.relative_to(ROOT))
            lines = len(source.splitlines())
            if lines > MODULE_LINES:
                found[name] = lines
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = node.end_lineno - node.lineno + 1
                    key = f"{name}:{node.name}"
                    if length > FUNCTION_LINES and length > found.get(key, 0):
                        found[key] = length
    return found


def test_no_module_or_function_grows_past_the_limits():
    found = _sizes()
    new = {key: n for key, n in found.items() if key not in STILL_LONG}
    grown = {key: n for key, n in found.items() if key in STILL_LONG and n > STILL_LONG[key]}
    assert new == {}, f"over {MODULE_LINES} lines a module or {FUNCTION_LINES} a function"
    assert grown == {}, "grown since the limits came"


def test_what_is_within_the_limits_leaves_the_list():
    found = _sizes()
    assert sorted(set(STILL_LONG) - set(found)) == [], "within the limits now: strike it"
