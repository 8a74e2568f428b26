"""The product's own files, for the tests that promise "no product code does X": each walks
them here. A walk that finds a hundred files or fewer fails instead of promising over
nothing; one such test once walked samtale/samtale/, which is not there, and passed for
every file it never read.

Each of those tests walks a root it is given (the repository's, REPOSITORY, or a copy of it
made by `product_copy`), so its mutation test plants X in a copy and runs the very walk and
check the real test runs."""

import shutil
from collections.abc import Iterable
from pathlib import Path

import samtale

PRODUCT = Path(samtale.__file__).resolve().parent  # samtale/
REPOSITORY = PRODUCT.parent
# Fewer files than this under a walked root: the walk is in the wrong place. (The product has
# some 800 modules and 250 templates.)
LEAST = 100
TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".ics")


def walked(
    folders: Iterable[Path],
    *,
    suffixes: tuple[str, ...] = (".py",),
    leave_out: Iterable[str] = ("tests", "migrations"),
    within: str | None = None,
    least: int = LEAST,
) -> list[Path]:
    """Each file under `folders` whose name ends in one of `suffixes`, sorted: but those in a
    folder named in `leave_out`, and, with `within`, only those inside a folder of that name
    (the walked folder is counted, those above it are not: where the repository lies is no
    concern). More than `least` of them, or AssertionError."""
    left_out = set(leave_out)
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            folders_of = path.relative_to(folder.parent).parts[:-1]
            if (
                path.name.endswith(suffixes)
                and not left_out.intersection(folders_of)
                and (within is None or within in folders_of)
                and path.is_file()
            ):
                found.append(path)
    if len(found) <= least:
        named = ", ".join(str(folder) for folder in folders)
        raise AssertionError(f"only {len(found)} files under {named}: the walk missed the product")
    return sorted(found)


def product_files(
    root: Path = REPOSITORY, *, leave_out: Iterable[str] = ("tests", "migrations")
) -> list[Path]:
    """The product's Python modules (root/samtale), its tests and migrations left out."""
    return walked([root / "samtale"], leave_out=leave_out)


def product_templates(
    root: Path = REPOSITORY, *, suffixes: tuple[str, ...] = TEMPLATE_SUFFIXES
) -> list[Path]:
    """The product's templates: each app's (root/samtale/<app>/templates) and the project's
    own (root/templates: the base page, Django's and allauth's overridden)."""
    return walked(
        [root / "samtale", root / "templates"],
        suffixes=suffixes,
        leave_out=("tests",),
        within="templates",
    )


def product_copy(into: Path, folders: Iterable[str] = ("samtale", "templates")) -> Path:
    """A copy of the repository's `folders` under `into`, a root to walk as REPOSITORY is
    walked: for a test that plants what a guard forbids and sees the guard find it."""
    for folder in folders:
        shutil.copytree(
            REPOSITORY / folder, into / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return into
