"""No module over 500 lines and no function over 60 (issue 47): a module or a function that
long does several jobs, and a reader has to hold them all. Migrations are left out (Django
writes them). A module counts its lines; a function, from its `def` to the last line of its
body, docstring included."""

import ast
from pathlib import Path

from testkit.source import REPOSITORY, product_copy, walked

FOLDERS = ("samtale", "config", "tests", "bench", "scripts")
MODULE_LINES, FUNCTION_LINES = 500, 60


def _sizes(root: Path) -> dict[str, int]:
    """{"path": lines} of each module over the limit, {"path:function": lines} of each
    function (the longest of that name in the module), in FOLDERS under `root`."""
    missing = [folder for folder in FOLDERS if not (root / folder).is_dir()]
    assert missing == [], "a folder to walk is not there"
    found = {}
    for path in walked([root / folder for folder in FOLDERS], leave_out=["migrations"]):
        source = path.read_text()
        name = str(path.relative_to(root))
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
    assert _sizes(REPOSITORY) == {}, (
        f"over {MODULE_LINES} lines a module or {FUNCTION_LINES} a function"
    )


def test_a_long_function_and_a_long_module_planted_in_a_copy_are_found(tmp_path):
    """The walk above over a copy of the folders, with a function of 61 lines planted in a
    module of the product and a module of 501 lines among the scripts."""
    copy = product_copy(tmp_path, FOLDERS)
    assert _sizes(copy) == {}
    with (copy / "samtale" / "rounds" / "apps.py").open("a") as file:
        file.write("\n\ndef planted():\n" + "    pass\n" * 60)
    (copy / "scripts" / "planted.py").write_text("x = 1\n" * 501)
    assert _sizes(copy) == {
        "samtale/rounds/apps.py:planted": 61,
        "scripts/planted.py": 501,
    }
