"""No module over 500 lines and no function over 60 (issue 47): a module or a function that
long does several jobs, and a reader has to hold them all. Migrations are left out (Django
writes them). A module counts its lines; a function, from its `def` to the last line of its
body, docstring included."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("samtale", "config", "tests", "bench", "scripts")
MODULE_LINES, FUNCTION_LINES = 500, 60


def _sizes() -> dict[str, int]:
    """{"path": lines} of each module over the limit, {"path:function": lines} of each
    function (the longest of that name in the module)."""
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


def test_no_module_over_500_lines_and_no_function_over_60():
    assert _sizes() == {}, f"over {MODULE_LINES} lines a module or {FUNCTION_LINES} a function"
