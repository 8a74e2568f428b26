"""The layers hold: import-linter's contracts in pyproject.toml (the platform imports no domain
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


def _cycles(graph, modules: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v) & modules:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_two_modules_import_each_other(monkeypatch):
    """No import cycle between the product's modules, imports inside functions included
    (grimp reads those too): a task's module and its service's, say, meet through
    core.handoff instead."""
    import grimp

    monkeypatch.syspath_prepend(str(ROOT))
    graph = grimp.build_graph("samtale", cache_dir=None)
    modules = {m for m in graph.modules if ".tests" not in m and ".migrations" not in m}
    assert _cycles(graph, modules) == []


def _is_view_module(name: str) -> bool:
    parts = name.split(".")
    return "tests" not in parts and ("views" in parts or parts[-1].startswith("views_"))


def test_no_view_module_imports_another():
    """What several pages show is built outside the views (an app's sections.py, selectors):
    a view module imports no other view module, only a views package lists its own."""
    import grimp

    graph = grimp.build_graph("samtale")
    views = {m for m in graph.modules if _is_view_module(m)}
    crossing = sorted(
        (importer, imported)
        for importer in views
        if not importer.endswith(".views")  # a package's __init__ gathers its own modules
        for imported in graph.find_modules_directly_imported_by(importer) & views
    )
    assert crossing == []
