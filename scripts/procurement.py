"""The generated parts of the buyer's documents (docs/procurement/), from the code itself.

Each part stands between `<!-- generert: navn -->` and `<!-- /generert -->` in a page, and
is made from what decides it: the access matrix (tests/access_matrix/), the retention
settings (config/settings/), the compose stack's services (compose.yaml), the integrations'
settings, the models, the test files that are the risk analysis' evidence, and the lines of
code each security measure rests on. The rest of each page is written by hand. Beside them,
the software bill of materials (scripts/sbom.py).

    python scripts/procurement.py          # rewrite the generated parts
    python scripts/procurement.py --check  # exit 1 if a page is not what the code says

Django is set up with config.settings_test (the access matrix imports the apps); the values
of the settings are read from django.conf.settings, their bounds and comments from the source.
"""

import ast
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if not os.environ.get("DJANGO_SETTINGS_MODULE"):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"

import django  # noqa: E402
from django.apps import apps  # noqa: E402

if not apps.ready:
    django.setup()

from django.conf import settings  # noqa: E402

from scripts import procurement_sources as sources  # noqa: E402
from scripts import sbom  # noqa: E402
from scripts.settings_table import explanation, variables  # noqa: E402

DOCS = ROOT / "docs" / "procurement"
PAGES = ("databehandleravtale.md", "dpia.md", "ros.md", "datalokasjon.md")
COMPOSE = ROOT / "compose.yaml"
SETTINGS = ROOT / "config" / "settings"
MARKER = re.compile(r"(<!-- generert: ([\w-]+) -->\n)(.*?)(<!-- /generert -->)", re.DOTALL)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# --- Settings: their values (django.conf.settings) and what the source says of them ---------


def _declared() -> dict[str, dict]:
    """Every setting read in config/settings/: its module, kind and bounds, default, comment."""
    found = {}
    for path in sorted(SETTINGS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for entry in variables(source):
            _, said = explanation(lines, entry["line"])
            found[entry["name"]] = {**entry, "module": path.name, "said": said}
    return found


def retention() -> str:
    """How long each kind of record is kept: every setting in config/settings/retention.py,
    and each other whose name says it keeps, holds or lets something live."""
    declared = _declared()
    wanted = [
        name
        for name, entry in declared.items()
        if entry["module"] == "retention.py" or sources.KEEPING.search(name)
    ]
    rows = [
        "| Innstilling | Standard | Lovlige verdier | Hva den styrer (kodens kommentar, engelsk) |"
    ]
    rows.append("| --- | --- | --- | --- |")
    for name in wanted:
        entry = declared[name]
        unit = sources.UNITS.get(name.rsplit("_", 1)[-1], "")
        value = f"{getattr(settings, name)} {unit}".strip()
        rows.append(
            f"| `{name}` | {value} | {_cell(entry['kind'])} | {_cell(entry['said'] or '—')} |"
        )
    for name, (module, days, said) in sources.FIXED_PERIODS.items():
        value = getattr(__import__(module, fromlist=[name]), name)
        rows.append(f"| `{name}` | {value} {days} | fast i koden | {said} |")
    return "\n".join(rows)


def min_group() -> str:
    """The minimum group of the publication rule, as configured and as bounded."""
    entry = _declared()["SAMTALE_MIN_GROUP"]
    return (
        f"- Minste gruppe (`SAMTALE_MIN_GROUP`): **{settings.SAMTALE_MIN_GROUP}** personer "
        f"som har svart.\n- Lovlige verdier: {entry['kind']}.\n"
        f"- Kodens egen forklaring (`config/settings/{entry['module']}`): {entry['said']}"
    )


# --- The compose stack and the integrations -------------------------------------------------


def _comments_above(text: str) -> dict[str, str]:
    """The comment block above each service of compose.yaml (YAML loses comments)."""
    lines = text.splitlines()
    found, inside = {}, False
    for index, line in enumerate(lines):
        if line.startswith("services:"):
            inside = True
        elif inside and re.match(r"^\S", line):
            inside = False
        match = re.match(r"^  ([\w-]+):\s*(&\w+)?\s*$", line) if inside else None
        if match:
            start = index
            while start > 0 and lines[start - 1].startswith("  #"):
                start -= 1
            found[match.group(1)] = " ".join(x.strip(" #") for x in lines[start:index])
    return found


def _image(value: str) -> str:
    """`${POSTGRES_IMAGE:-docker.io/library/postgres:17}` → the default image."""
    match = re.fullmatch(r"\$\{\w+:-(.+)\}", value or "")
    return match.group(1) if match else value or "—"


def services(compose: Path = COMPOSE) -> str:
    """Every service of the compose stack: its image, what it does, what it keeps."""
    import yaml

    text = compose.read_text(encoding="utf-8")
    stack = yaml.safe_load(text)
    said = _comments_above(text)
    rows = ["| Tjeneste | Program (image) | Rolle | Lagrer data i |"]
    rows.append("| --- | --- | --- | --- |")
    for name, service in stack.get("services", {}).items():
        image = _image(service.get("image", ""))
        role = next((r for key, r in sources.ROLES if key in image), None)
        role = role or f"Ikke beskrevet i generatoren: {said.get(name, '—')}"
        named = [
            v.split(":")[0] for v in service.get("volumes", []) if not v.startswith((".", "/", "$"))
        ]
        keeps = ", ".join(f"volum `{v}`" for v in named) or "ingenting varig"
        rows.append(f"| `{name}` | `{image}` | {_cell(role)} | {keeps} |")
    volumes = ", ".join(f"`{v}`" for v in stack.get("volumes", {}))
    rows.append("")
    rows.append(f"Navngitte volumer i `compose.yaml`: {volumes or 'ingen'}.")
    return "\n".join(rows)


def integrations() -> str:
    """What may leave the installation, to whom, and the settings that turn it on."""
    declared = _declared()
    rows = ["| Mottaker | Hva som sendes | Slås på med | Standard |", "| --- | --- | --- | --- |"]
    for who, what, pattern, default_on in sources.INTEGRATIONS:
        names = [name for name in declared if re.fullmatch(pattern, name)]
        if not names:
            raise SystemExit(f"scripts/procurement.py: no setting matches {pattern!r} ({who})")
        shown = ", ".join(f"`{name}`" for name in names[:6])
        if len(names) > 6:
            shown += f" og {len(names) - 6} til"
        rows.append(f"| {who} | {what} | {shown} | {default_on} |")
    return "\n".join(rows)


# --- The models: what is kept about people ----------------------------------------------------


KIND_WORDS = {
    "deleted": "slettes",
    "blanked": "tømmes",
    "kept": "beholdes",
    "not personal": "ikke personopplysning",
}


def personal_data() -> str:
    """The register of personal data (samtale.privacy.register): each model whose fields can
    hold a person's data, its fields, and what happens to them."""
    from samtale.privacy import register

    by_model: dict[str, list] = {}
    for label, name, rule in register.register():
        by_model.setdefault(label, []).append((name, rule))
    rows = ["| Tabell | Felt | Hva skjer |", "| --- | --- | --- |"]
    fields = 0
    for label, named in by_model.items():
        kinds: dict[str, list[str]] = {}
        for name, rule in named:
            kinds.setdefault(KIND_WORDS[rule.kind], []).append(name)
        said = "; ".join(f"{kind}: {', '.join(names)}" for kind, names in kinds.items())
        rows.append(f"| `{label}` | {len(named)} | {_cell(said)} |")
        fields += len(named)
    return (
        f"{fields} felt i {len(by_model)} tabeller kan holde opplysninger om en person "
        "(`samtale/privacy/register.py`, funnet fra modellene; Samtales egne og de fra "
        "allauth, sesjonene og arbeiderens oppgaver):\n\n" + "\n".join(rows)
    )


def not_deleted() -> str:
    """What no rule deletes, from the same register: each kept field, and why."""
    from samtale.privacy import register

    rows = ["| Felt | Hvorfor (kodens ord, engelsk) |", "| --- | --- |"]
    grouped: dict[tuple[str, str], list[str]] = {}
    for label, name, rule in register.register():
        if rule.kind == register.KEPT:
            grouped.setdefault((label, rule.why), []).append(name)
    gaps = 0
    for (label, why), names in grouped.items():
        gaps += "a gap" in why
        rows.append(f"| `{label}`: {', '.join(names)} | {_cell(why)} |")
    gap = (
        f"{gaps} av grunnene er hull lagringsjobben ennå ikke dekker (merket «a gap»)"
        if gaps
        else "hvert av dem har en grunn, og ingen er et hull lagringsjobben ennå ikke dekker"
    )
    return (
        f"{sum(len(n) for n in grouped.values())} felt beholdes så lenge kommunens database "
        f"finnes; {gap}:\n\n" + "\n".join(rows)
    )


# --- The security measures, each checked against the line it rests on ------------------------


def security(root: Path = ROOT) -> str:
    """Each measure with the file it is in (under root); a measure whose line is gone says so."""
    rows = ["| Tiltak | Der koden gjør det | Funnet |", "| --- | --- | --- |"]
    for measure, path, pattern in sources.MEASURES:
        text = (root / path).read_text(encoding="utf-8") if (root / path).exists() else ""
        found = "ja" if re.search(pattern, text) else "**NEI – kontroller påstanden**"
        rows.append(f"| {measure} | `{path}` | {found} |")
    return "\n".join(rows)


# --- The access matrix: who sees what -------------------------------------------------------


def _view_modules() -> dict[str, str]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, inner)
            elif p.name:
                yield namespace + p.name, p.callback.__module__

    return dict(walk(get_resolver().url_patterns))


def _kind(name: str, module: str) -> str:
    for pattern, kind in sources.KINDS:
        if re.search(pattern, f"{module}|{name}"):
            return kind
    raise SystemExit(f"scripts/procurement.py: say in KINDS what kind of data {name} is")


def _allowed(role: str, method: str, status: int) -> bool:
    """Let through: a read answered 200; a write answered 200, 302 or 400 (past the access
    check, maybe stopped by validation); for the anonymous a 302 is the sign-in page."""
    if method == "get" or role == "anonymous":
        return status == 200
    return status in (200, 302, 400)


def matrix_columns(rows: list) -> tuple[list[str], list[tuple]]:
    """The matrix's roles, with the archive staff and the union representative added as the
    test adds them (the other employee's answers, with their own exceptions)."""
    from testkit.people import ROLES
    from tests.access_matrix.organization import ARCHIVIST, UNION_REP

    other = ROLES.index("other_employee")
    roles = [*ROLES, "archivist", "union_rep"]
    widened = []
    for name, kwargs, method, expected, *_ in rows:
        extra = (
            ARCHIVIST.get((name, method), expected[other]),
            UNION_REP.get((name, method), expected[other]),
        )
        widened.append((name, kwargs, method, (*expected, *extra)))
    return roles, widened


def _object_names() -> set[str]:
    """The names the matrix gives the objects it points at (tests/access_matrix/objects.py's
    dictionaries, and the round's and the archive's), read without running the fixture."""
    from tests.access_matrix.organization import ARCHIVE_OBJECTS, ROUND_OBJECTS

    tree = ast.parse((ROOT / "tests" / "access_matrix" / "objects.py").read_text())
    keys = {
        key.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant) and isinstance(key.value, str)
    }
    return keys | ARCHIVE_OBJECTS | ROUND_OBJECTS


def _tally(widened: list, roles: list[str], pointed: bool) -> dict[str, dict]:
    """kind → role → [reads let through, reads, writes let through, writes], over the rows
    that point at one of the matrix's objects (pointed) or at none."""
    modules, objects = _view_modules(), _object_names()
    tally: dict[str, dict] = {kind: {} for _, kind in sources.KINDS}
    for name, kwargs, method, expected in widened:
        if any(v in objects for v in kwargs.values() if isinstance(v, str)) != pointed:
            continue
        kind = _kind(name, modules.get(name, ""))
        write = method != "get"
        for role, status in zip(roles, expected, strict=True):
            seen = tally[kind].setdefault(role, [0, 0, 0, 0])
            seen[2 * write + 1] += 1
            seen[2 * write] += _allowed(role, method, status)
    return tally


def _table(tally: dict[str, dict], roles: list[str]) -> list[str]:
    head = "| Slags data | " + " | ".join(sources.ROLE_NAMES[r] for r in roles) + " |"
    lines = [head, "|" + " --- |" * (len(roles) + 1)]
    for kind, by_role in tally.items():
        if by_role:
            cells = [_tally_cell(*by_role[role]) for role in roles]
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def who_sees_what(rows: list | None = None) -> str:
    """Role × kind of data: how many of the kind's tested reads and writes each role is let
    through, from the access matrix's rows (tests/test_access_matrix.py MATRIX): first those
    that point at the employee's own things, then the pages that point at nothing."""
    if rows is None:
        from tests.test_access_matrix import MATRIX

        rows = MATRIX
    roles, widened = matrix_columns(rows)
    lines = ["**A. Medarbeiderens egne ting** (en bestemt samtale, et tiltak, en person …)", ""]
    lines += _table(_tally(widened, roles, pointed=True), roles)
    lines += ["", "**B. Sider uten et bestemt objekt** (lister, oversikter, rapporter)", ""]
    lines += _table(_tally(widened, roles, pointed=False), roles)
    total = len(rows) * len(roles)
    lines += ["", f"Grunnlag: {len(rows)} rader × {len(roles)} roller = {total} svar."]
    return "\n".join(lines)


def _tally_cell(read: int, reads: int, wrote: int, writes: int) -> str:
    said = []
    if read:
        said.append(f"ser {read}/{reads}")
    if wrote:
        said.append(f"endrer {wrote}/{writes}")
    return " · ".join(said) or "–"


# --- The risk analysis' evidence ------------------------------------------------------------


def backs(threat: str, path: Path) -> bool:
    """Whether the test file at `path` speaks of `threat` (sources.BACKS): in its module's
    docstring or a test's name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [
        n.name
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test_")
    ]
    said = " ".join([ast.get_docstring(tree) or "", *names])
    # A space in the pattern stands for a test name's underscore too.
    pattern = sources.BACKS[threat].replace(" ", "[ _]")
    return re.search(pattern, said, re.IGNORECASE) is not None


def _test_file(path: Path) -> tuple[int, str]:
    """How many tests a file holds, and its docstring's first sentence."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tests = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test_")
    ]
    doc = (ast.get_docstring(tree) or "").split("\n\n")[0].replace("\n", " ")
    first = re.split(r"(?<=[.:])\s", doc, maxsplit=1)[0] if doc else "—"
    return len(tests), first


def evidence(threat: str) -> str:
    """The test files that are a threat's evidence: each pattern must find at least one."""
    lines = []
    for pattern in sources.THREATS[threat]:
        found = sorted(p for p in ROOT.glob(pattern) if ".venv" not in p.parts)
        if not found:
            raise SystemExit(f"scripts/procurement.py: {threat}: no test file at {pattern}")
        for path in found:
            if not backs(threat, path):
                raise SystemExit(
                    f"scripts/procurement.py: {threat}: {path.relative_to(ROOT)} says nothing "
                    f"of the threat ({sources.BACKS[threat]}): not its evidence"
                )
            # The file and what it says it tests; not how many tests it holds, which changes
            # with every test added and is not the buyer's evidence.
            _, said = _test_file(path)
            where = path.relative_to(ROOT)
            lines.append(f"- `{where}`: {_cell(said)}")
    return "\n".join(lines)


# --- The pages --------------------------------------------------------------------------


def makers(compose: Path = COMPOSE) -> dict[str, Callable[[], str]]:
    found: dict[str, Callable[[], str]] = {
        "lagring": retention,
        "minstegruppe": min_group,
        "tjenester": lambda: services(compose),
        "integrasjoner": integrations,
        "personopplysninger": personal_data,
        "ikke-slettet": not_deleted,
        "sikkerhet": security,
        "tilgang": who_sees_what,
    }
    for threat in sources.THREATS:
        found[f"ros-{threat.lower()}"] = lambda t=threat: evidence(t)
    return found


def page(text: str, made: dict[str, Callable[[], str]]) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(2)
        if name not in made:
            raise SystemExit(f"scripts/procurement.py: no generator for {name!r}")
        return f"{match.group(1)}{made[name]().rstrip()}\n{match.group(4)}"

    return MARKER.sub(fill, text)


def wanted(compose: Path = COMPOSE) -> dict[Path, tuple[str, str]]:
    """Each page: (as it is, as the code says it should be)."""
    made = makers(compose)
    pages = {}
    for name in PAGES:
        path = DOCS / name
        current = path.read_text(encoding="utf-8")
        pages[path] = (current, page(current, made))
    # The software bill of materials, from the lock files and the vendored front-end.
    current = sbom.SBOM.read_text(encoding="utf-8") if sbom.SBOM.exists() else ""
    pages[sbom.SBOM] = (current, sbom.text())
    return pages


def stale(compose: Path = COMPOSE) -> list[str]:
    """The pages whose generated parts are not what the code says."""
    return [str(p.relative_to(ROOT)) for p, (now, want) in wanted(compose).items() if now != want]


def main(argv: list[str]) -> int:
    if "--check" in argv:
        out_of_date = stale()
        for name in out_of_date:
            print(f"{name} is out of date: run python scripts/procurement.py", file=sys.stderr)
        return 1 if out_of_date else 0
    for path, (current, want) in wanted().items():
        if current != want:
            path.write_text(want, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
