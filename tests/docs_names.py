"""What the developers' pages name, and whether it exists: the resolver behind
tests/test_docs_names.py. Every pattern a reference can take is one entry of `PATTERNS`,
tried in order on the whole text of an inline code span; a span that matches none is prose,
a shell line, SQL, a URL or markup, and is not checked.

Our code is read with `ast`, never imported: a name exists when a module defines it (a
function, a class, an assignment, an import) or a class's body does (a method, a field, a
nested class), following the class's bases. Code outside ours (Django, allauth) is
imported, as it is trusted to import cleanly."""

import ast
import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMTALE = ROOT / "samtale"
PYTHON_ROOTS = ("samtale", "config", "bench", "scripts", "tests", "testkit", "fiks_simulator")
# The folders a path may be named from: `samtale/rounds/booking.py`, `docs/...`.
ROOTED = (
    "samtale",
    "tests",
    "testkit",
    "docs",
    "bench",
    "scripts",
    "templates",
    "config",
    "static",
)
ROOTED += ("locale", "containers", "fiks_simulator")
# Made by running things, never in the repository: named, not checked.
GENERATED = ("var/", "test-results/", "site/")
# Where a bare name (`update_fields`, `BENCH_THREADS`) is looked for as a whole word.
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".toml", ".yaml", ".yml", ".sh"}
SOURCE_FILES = ("Makefile", "Containerfile", "compose.yaml", "pyproject.toml")
# Short names the pages use for code outside ours.
ALIASES = {
    "transaction": "django.db.transaction",
    "connection": "django.db.connection",
    "Model": "django.db.models.Model",
    "PKCS7Options": "cryptography.hazmat.primitives.serialization.pkcs7.PKCS7Options",
}
EXTERNAL = ("django", "allauth", "celery", "cryptography")
FILE_SUFFIX = r"\.(?:py|html|txt|css|js|md|toml|yaml|yml|json|po|sh|png)"


def apps() -> list[str]:
    """Every app under samtale/: each directory with an apps.py."""
    return sorted(path.parent.name for path in SAMTALE.glob("*/apps.py"))


# ---------------------------------------------------------------- our code, read by ast


@dataclass
class Module:
    path: Path
    names: dict[str, ast.AST] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)  # local name → dotted origin


@cache
def modules() -> dict[str, Module]:
    """{"samtale.rounds.booking": Module} for every module of ours (packages by __init__)."""
    found = {}
    for folder in PYTHON_ROOTS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[dotted] = _read(path, dotted)
    return found


def _read(path: Path, dotted: str) -> Module:
    module = Module(path)
    package = dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
    for node in ast.parse(path.read_text()).body:
        for name, origin in _imported(node, package):
            module.names[name] = node
            module.imports[name] = origin
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            module.names[node.name] = node
        for name in _assigned(node):
            module.names[name] = node
    return module


def _imported(node: ast.AST, package: str) -> list[tuple[str, str]]:
    if isinstance(node, ast.Import):
        # `import a.b` binds `a`; `import a.b as c` binds `c` to a.b.
        bound = [
            (a.asname, a.name) if a.asname else (a.name.split(".")[0],) * 2 for a in node.names
        ]
        return bound
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            above = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(above + ([base] if base else []))
        return [(a.asname or a.name, f"{base}.{a.name}") for a in node.names]
    return []


def _assigned(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    else:
        return []
    names = []
    for target in targets:
        for element in target.elts if isinstance(target, ast.Tuple) else [target]:
            if isinstance(element, ast.Name):
                names.append(element.id)
    return names


@cache
def classes() -> dict[str, list[tuple[str, ast.ClassDef]]]:
    """{"Goal": [("samtale.actions.models", its ClassDef)]}: every top-level class of ours."""
    found: dict[str, list] = {}
    for dotted, module in modules().items():
        for name, node in module.names.items():
            if isinstance(node, ast.ClassDef) and node.name == name:
                found.setdefault(name, []).append((dotted, node))
    return found


def _member(dotted: str, node: ast.ClassDef, name: str, depth: int = 0) -> ast.AST | bool:
    """The member `name` of the class `node` (defined in module `dotted`), its bases'
    included; True for a member found on a base outside our code; None when missing."""
    for child in node.body:
        if getattr(child, "name", None) == name or name in _assigned(child):
            return child
    if depth > 8:
        return None
    for base in node.bases:
        found = _resolve_expression(dotted, ast.unparse(base))
        if isinstance(found, tuple):
            member = _member(*found, name, depth + 1)
            if member is not None:
                return member
        elif found is not None and hasattr(found, name):
            return True
    return None


def _resolve_expression(dotted: str, expression: str):
    """What `expression` (a base class as written) names in the module `dotted`: (module,
    ClassDef) for ours, the object for code outside ours, None when unknown."""
    head, _, rest = expression.partition(".")
    module = modules()[dotted]
    if head in module.names and isinstance(module.names[head], ast.ClassDef) and not rest:
        return dotted, module.names[head]
    origin = module.imports.get(head)
    if origin is None:
        return None
    return lookup(f"{origin}.{rest}" if rest else origin)


def _in_module(dotted: str, rest: list[str]):
    """`rest` looked up in the module `dotted`: the node (or object) it names, else None."""
    module = modules()[dotted]
    node = module.names.get(rest[0])
    if node is None:
        return None
    if rest[0] in module.imports and len(rest) > 1:
        return lookup(".".join([module.imports[rest[0]], *rest[1:]]))
    for name in rest[1:]:
        if not isinstance(node, ast.ClassDef):
            return None
        node = _member(dotted, node, name)
        if node is True:
            return True
        if node is None:
            return None
    return (dotted, node) if isinstance(node, ast.ClassDef) else node


def lookup(name: str):
    """What a full dotted name (`samtale.rounds.booking.book`, `django.db.transaction`)
    names, or None; ours through ast, the rest by import."""
    parts = name.split(".")
    ours = modules()
    for cut in range(len(parts), 0, -1):
        dotted = ".".join(parts[:cut])
        if dotted in ours:
            return (dotted, None) if cut == len(parts) else _in_module(dotted, parts[cut:])
    return _external(parts)


def _external(parts: list[str]):
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(found, name):
                return None
            found = getattr(found, name)
        return found
    return None


def _models(app: str, name: str, rest: list[str]):
    """`core.TenantHealth`, `actions.goal`, `actions.Goal.serves`: a model named by its
    Django label, and maybe a member of it."""
    for dotted, module in modules().items():
        if dotted == f"samtale.{app}.models" or dotted.startswith(f"samtale.{app}.models."):
            for defined in module.names:
                if defined == name or (name.islower() and defined.lower() == name):
                    return _in_module(dotted, [defined, *rest])
    return None


def resolve_dotted(name: str) -> bool:
    """A dotted name as the pages write it: from `samtale.`, from an app
    (`tenancy.by_host`, `rounds.RoundCount`), from a module's own name anywhere in
    our code (`css_bundle.SCOPED`, `publication.figures.Periods.reason`), from a class of
    ours (`Goal.save`), or from code outside ours (`django.conf.settings`, `transaction`)."""
    parts = name.split(".")
    head = parts[0]
    if head in ALIASES:
        return lookup(".".join([ALIASES[head], *parts[1:]])) is not None
    if head in ("samtale", *PYTHON_ROOTS, *EXTERNAL):
        return lookup(name) is not None
    if head in apps():
        return lookup(f"samtale.{name}") is not None or (
            _models(head, parts[1], parts[2:]) is not None
        )
    for dotted in modules():
        if dotted.endswith(f".{head}") and lookup(".".join([dotted, *parts[1:]])) is not None:
            return True
    for dotted, _node in classes().get(head, []):
        if _in_module(dotted, [head, *parts[1:]]) is not None:
            return True
    return False


# ---------------------------------------------------------------------- paths and words


@cache
def repository_files() -> tuple[str, ...]:
    """Every file and folder of the repository, as paths from its root (folders end in /)."""
    skipped = {".git", ".venv", "node_modules", "site", "var", "__pycache__", ".ruff_cache"}
    found = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if skipped & set(relative.parts) or relative.parts[0].startswith("."):
            continue
        found.append(f"{relative}/" if path.is_dir() else str(relative))
    return tuple(sorted(found))


def resolve_path(path: str) -> bool:
    """A path: from the repository's root, from samtale/ (`rounds/booking.py`), from an
    app's templates/ (`actions/_action.html`), or the end of a path in the repository
    (`publication/proof.py`, a bare `agreement.py`). `<app>` stands for any one part."""
    if path.startswith(GENERATED):
        return True
    pattern = re.escape(path).replace(r"\*", "[^/]*")
    pattern = re.sub(r"<[^>/]*>", "[^/]+", pattern)
    directory = "" if path.endswith("/") else "/?"
    rooted = re.compile(rf"(?:samtale/(?:[^/]+/templates/)?|templates/)?{pattern}{directory}")
    suffix = re.compile(rf"(?:.*/)?{pattern}{directory}")
    files = repository_files()
    if any(rooted.fullmatch(f) for f in files):
        return True
    return not path.startswith(tuple(f"{root}/" for root in ROOTED)) and any(
        suffix.fullmatch(f) for f in files
    )


@cache
def source_words() -> frozenset[str]:
    """Every word in our source: code, templates, the Makefile, the containers' files."""
    words: set[str] = set()
    for relative in repository_files():
        path = ROOT / relative
        if (path.suffix in SOURCE_SUFFIXES or path.name in SOURCE_FILES) and not (
            relative.startswith("docs/")
        ):
            words |= set(re.findall(r"[A-Za-z_][\w-]*", path.read_text(errors="replace")))
    return frozenset(words)


def in_source(word: str) -> bool:
    return word in source_words()


@cache
def settings_read() -> frozenset[str]:
    """The SAMTALE_ names config/ reads from the environment (and declares per tenant), and
    those the test suite's own support reads from it (SAMTALE_TESTS_TENANTS, …)."""
    tests = [ROOT / "conftest.py", *(ROOT / "testkit").rglob("*.py")]
    return frozenset(
        name
        for path in (ROOT / "config").rglob("*.py")
        for name in re.findall(r"\bSAMTALE_[A-Z0-9_]+", path.read_text())
    ) | frozenset(
        name
        for path in tests
        for name in re.findall(r"environ\.get\(\s*\"(SAMTALE_[A-Z0-9_]+)\"", path.read_text())
    )


@cache
def make_targets() -> frozenset[str]:
    text = (ROOT / "Makefile").read_text()
    return frozenset(re.findall(r"^([\w.-]+)\s*:(?!=)", text, re.MULTILINE))


@cache
def commands() -> frozenset[str]:
    """Every management command: ours by their files, Django's and the others' by Django."""
    from django.core.management import get_commands

    return frozenset(get_commands())
