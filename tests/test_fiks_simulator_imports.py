"""The Fiks simulator shares no code with Samtale (fiks_simulator plays the other side of
Fiks IO, Maskinporten and the archives): none of its modules imports Samtale's or Django's."""

import ast
from pathlib import Path

from testkit.source import REPOSITORY, product_copy, walked

FORBIDDEN = {"samtale", "config", "tests", "django"}
IMPORTERS = ("import_module", "__import__")


def forbidden_imports(path):
    """Each import of samtale, config, tests or django in the module at `path`, static or
    through importlib.import_module / __import__ with a literal name."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith(IMPORTERS):
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
        forbidden = [name for name in names if str(name).split(".")[0] in FORBIDDEN]
        found += [f"{path.name}:{node.lineno} {name}" for name in forbidden]
    return found


def simulator_imports(root: Path) -> list[str]:
    """Each import of Samtale's or Django's in the simulator under `root` (more than ten
    modules, or the walk missed it)."""
    modules = walked([root / "fiks_simulator"], leave_out=[], least=10)
    return [found for module in modules for found in forbidden_imports(module)]


def test_the_simulator_imports_nothing_of_samtales():
    assert simulator_imports(REPOSITORY) == []


def test_the_import_guard_catches_a_planted_import(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text(
        "import json, samtale.archive\nfrom django.conf import settings\n"
        "import importlib\nimportlib.import_module('config.settings')\n"
    )
    assert forbidden_imports(planted) == [
        "planted.py:1 samtale.archive",
        "planted.py:2 django.conf",
        "planted.py:4 config.settings",
    ]


def test_an_import_planted_in_a_copy_of_the_simulator_is_found(tmp_path):
    """The walk above over a copy of the simulator with an import of Samtale's planted."""
    copy = product_copy(tmp_path, ["fiks_simulator"])
    assert simulator_imports(copy) == []
    module = copy / "fiks_simulator" / "noark.py"
    lines = len(module.read_text().splitlines())
    with module.open("a") as file:
        file.write("\nfrom samtale.archive import noark as ours\n")
    assert simulator_imports(copy) == [f"noark.py:{lines + 2} samtale.archive"]
