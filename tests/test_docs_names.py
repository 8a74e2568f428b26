"""The developers' pages (docs/developing/*.md) name only what exists (issue 63): every code
reference they make resolves, the map of the code names every app, the figures the index
states are the code's, and the decision records are all in their index.

What counts as a reference is the whole text of an inline code span (`like this`) matching
one of these patterns, tried in order (`docs_names.py` resolves them):

| Pattern | Example | Exists when |
| --- | --- | --- |
| `make` and a target, after any `NAME=value` | `make bench-pages` | the Makefile has the target |
| `manage.py` (or `manage`) and a command | `manage.py tenants create` | Django knows the command |
| a setting of ours, maybe `=value` | `SAMTALE_HOSTS=none` | config/ reads it |
| a Python file, a colon and a name | `bench/common.py: analyze` | the file defines the name |
| a path: a `/` or a file's suffix | `rounds/booking.py`, `base.html` | the path is there |
| dotted names, maybe called | `tenancy.by_host`, `transaction.atomic()` | ast finds it |
| a decorator or a template tag | `@periodic`, `{% page_header %}` | it is in our source |
| a name with `_` or a capital inside | `update_fields`, `BENCH_THREADS=4` | it is in our source |

A path is looked for from the repository's root, from samtale/ (`rounds/booking.py`), from an
app's templates/ (`actions/_action.html`), and, when it starts with none of the repository's
folders, as the end of any path in it (`publication/proof.py`, `agreement.py`); `<app>` stands
for any one part; what running makes (`var/`, `test-results/`) is not looked for. A dotted
name starts from `samtale.`, an app (`rounds.progress.behind_counts`, and `rounds.RoundCount`
as Django's label of a model), a module's own name (`css_bundle.SCOPED`), a class of ours
(`Goal.save`, bases followed into Django's), or code outside ours (`django.conf.settings`).

Not references: anything with a space that is not one of the above (shell lines, SQL,
sentences), URLs (`/runder/`), markup (`<body>`, `:has()`), options (`--tenant`), and a
plain lowercase word (`default`, `actions`), which is too often an English word. In a fenced
block the paths and the `SAMTALE_` settings are checked too, and in a row of the layout's map
that starts with a folder (`samtale/core/`), a file or folder named further on
(`schedule.py`, `tenancy/`) must be under that folder.

A decision record tells what the code was; what it names that is gone on purpose it lists in
a comment, `<!-- gone: `actions/receivers.py`, `status_changed` -->`, and each of those must
*not* resolve (so the list cannot drift either); a span on that page that is one of them, or
the last part of a dotted one (`status_changed` of `conversations.signals.status_changed`), is
not checked.

The first test prints how many references it checked (`pytest -s`)."""

import re
from dataclasses import dataclass
from pathlib import Path

from testkit.source import product_files
from tests import docs_names as names

DEVELOPING = names.ROOT / "docs" / "developing"
PAGES = sorted(DEVELOPING.glob("*.md"))
SUFFIX = names.FILE_SUFFIX
IDENTIFIER = r"_?[A-Za-z]\w*"
MODULE_FILE = r"[\w/.-]+\.py"
PATTERNS = (
    ("make", re.compile(r"(?:[A-Z_]+=\S+ )*make ([\w-]+)(?: .*)?")),
    ("command", re.compile(r"(?:\.venv/bin/python )?manage(?:\.py)? ([\w-]+)(?: .*)?")),
    ("setting", re.compile(r"(SAMTALE_[A-Z0-9_]+)(?:=\S*)?")),
    ("file name", re.compile(rf"({MODULE_FILE}): ({IDENTIFIER})")),
    ("path", re.compile(rf"(?![/.<])([\w.<>*-]*/[\w./<>*-]*|[\w.<>-]+{SUFFIX})")),
    ("dotted", re.compile(rf"({IDENTIFIER}(?:\.{IDENTIFIER})+)(?:\(.*\))?")),
    ("word", re.compile(r"@(\w+)(?:\(.*\))?|\{% (\w+)(?: .*)? %\}")),
    ("word", re.compile(rf"({IDENTIFIER})(?:=\S*|\(\))?")),
)
GONE = re.compile(r"<!-- gone:(.*?)-->", re.DOTALL)
SPAN = re.compile(r"(?<!`)`((?:[^`\n]|\n(?!\s*\n))+)`(?!`)")  # within a paragraph
FENCED_PATH = re.compile(rf"(?<![\w/.-])((?:{'|'.join(names.ROOTED)})/[\w./<>-]*)")
UNDER_ROW = re.compile(r"(?<![\w/.-])([\w-]+(?:/[\w-]+)*(?:\.py|/))(?![\w/])")


@dataclass(frozen=True)
class Reference:
    page: str
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"docs/developing/{self.page}:{self.line}: {self.kind} `{self.text}`"


def _checked_word(word: str) -> bool:
    """A word is checked when it cannot be English: a `_` in it or a capital after the first
    letter (`update_fields`, `WebAddressField`, `BENCH_THREADS`)."""
    return "_" in word.strip("_") or word.startswith("_") or word[1:] != word[1:].lower()


def _classify(text: str) -> tuple[str, str] | None:
    """(kind, what to resolve) for a span's text, or None when it is no reference."""
    for kind, pattern in PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        if kind == "file name":
            return kind, f"{match[1]}: {match[2]}"
        value = next(group for group in match.groups() if group)
        if kind == "path" and value == value.upper():
            return None  # `LISTEN/NOTIFY`: SQL, not a path
        if kind == "word" and not (text[0] in "@{" or _checked_word(value)):
            return None
        return kind, value
    return None


def _resolves(kind: str, value: str) -> bool:
    if kind == "make":
        return value in names.make_targets()
    if kind == "command":
        return value in names.commands()
    if kind == "setting":
        return value in names.settings_read()
    if kind == "file name":
        path, name = value.split(": ")
        module = names.modules().get(path.removesuffix(".py").replace("/", "."))
        return module is not None and name in module.names
    if kind == "path":
        return names.resolve_path(value)
    if kind == "dotted":
        return names.resolve_dotted(value)
    return names.in_source(value)


def _fenced(page: str, lines: list[tuple[int, str]]) -> list[Reference]:
    """The paths in a fenced block; after a row that starts with a folder (the layout's
    map), the files and folders named on its lines, under that folder."""
    found, folder = [], None
    for number, line in lines:
        row = FENCED_PATH.match(line)
        if row and row[1].endswith("/"):
            folder = row[1]
        elif line[:1] not in (" ", ""):
            folder = None
        for match in FENCED_PATH.finditer(line):
            found.append(Reference(page, number, "path", match[1]))
        for match in re.finditer(r"\bSAMTALE_[A-Z0-9_]+", line):
            found.append(Reference(page, number, "setting", match[0]))
        if folder is None:
            continue
        for match in UNDER_ROW.finditer(line[row.end() if row else 0 :]):
            if not match[1].startswith((*names.ROOTED, *names.GENERATED)):
                found.append(Reference(page, number, "path", f"{folder}**/{match[1]}"))
    return found


def references(page: Path) -> tuple[list[Reference], list[Reference]]:
    """(what the page names, what it says is gone), each with its line. Spans are read over
    the whole page, as Markdown reads them: one may run on to the next line."""
    text = page.read_text()
    gone = []
    for comment in GONE.finditer(text):
        line = text.count("\n", 0, comment.start()) + 1
        gone += [Reference(page.name, line, "gone", s) for s in SPAN.findall(comment[1])]
    text = GONE.sub(lambda m: "\n" * m[0].count("\n"), text)
    skipped = {r.text for r in gone} | {r.text.rpartition(".")[2] for r in gone}
    found, fence, prose = [], None, []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            if fence is not None:
                found += _fenced(page.name, fence)
            fence = None if fence is not None else []
            line = ""
        elif fence is not None:
            fence.append((number, line))
            line = ""
        prose.append(line)
    prose_text = "\n".join(prose)
    for span in SPAN.finditer(prose_text):
        content = " ".join(span[1].split())
        classified = _classify(content)
        if classified and content not in skipped:
            line = prose_text.count("\n", 0, span.start()) + 1
            found.append(Reference(page.name, line, *classified))
    return found, gone


def _under(reference: Reference) -> bool:
    folder, _, rest = reference.text.partition("**/")
    return (
        any(
            f.startswith(folder) and (f.endswith(f"/{rest}") or f == f"{folder}{rest}")
            for f in names.repository_files()
        )
        or rest in names.repository_files()
    )


def _broken(reference: Reference) -> bool:
    if "**/" in reference.text:
        return not _under(reference)
    return not _resolves(reference.kind, reference.text)


def _gone(reference: Reference) -> bool:
    classified = _classify(reference.text)
    return classified is not None and not _resolves(*classified)


def test_every_name_on_the_developers_pages_exists():
    checked, broken = [], []
    for page in PAGES:
        found, gone = references(page)
        checked += found
        broken += [str(r) for r in found if _broken(r)]
        broken += [f"{r}: listed as gone, and it is there" for r in gone if not _gone(r)]
    distinct = len({(r.kind, r.text) for r in checked})
    print(f"\n{len(checked)} references checked ({distinct} distinct) in {len(PAGES)} pages")
    assert not broken, (
        f"{len(broken)} of {len(checked)} references on docs/developing/ resolve to nothing:\n"
        + "\n".join(broken)
    )
    assert len(checked) > 500


def test_the_map_names_every_app():
    page = (DEVELOPING / "layout.md").read_text()
    missing = [app for app in names.apps() if f"samtale/{app}/" not in page]
    assert not missing, f"docs/developing/layout.md does not map {missing}"


def _python_lines() -> int:
    """The lines of our Python the index's figure counts: samtale/, not its tests or
    migrations."""
    return sum(len(path.read_text().splitlines()) for path in product_files(names.ROOT))


def test_the_index_states_the_code_s_figures():
    page = (DEVELOPING / "index.md").read_text()
    apps = re.search(r"in (\d+)\s+Django apps", page)
    lines = re.search(r"about ([\d,]+)\s+lines of Python", page)
    assert apps and lines, "the index no longer says how many apps and lines: fix this test"
    assert int(apps[1]) == len(names.apps())
    stated, counted = int(lines[1].replace(",", "")), _python_lines()
    assert abs(stated - counted) <= counted / 10, f"about {counted:,} lines, not {stated:,}"


def test_every_decision_is_in_the_decisions_index():
    page = (DEVELOPING / "decisions.md").read_text()
    listed = set(re.findall(r"\]\((decision-[\w-]+\.md)\)", page))
    records = {path.name for path in DEVELOPING.glob("decision-*.md")}
    assert not records - listed, f"decisions.md does not list {sorted(records - listed)}"
    assert not listed - records, f"decisions.md lists what is not there: {listed - records}"
