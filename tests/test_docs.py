"""The documentation site (docs/, mkdocs.yml): it builds without a broken link, its settings
tables are what config/settings/ reads, its layers are import-linter's, its pictures are
the ones the browser tests take, and the README stays one screen's worth."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_the_site_builds_with_no_broken_link(tmp_path):
    mkdocs = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "running" / "settings" / "index.html").exists()


def test_the_settings_table_is_what_the_settings_read():
    result = subprocess.run(
        [sys.executable, "scripts/settings_table.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    table = (DOCS / "running" / "settings.md").read_text()
    for name in ("SECRET_KEY", "DATABASE_URL", "SAMTALE_MIN_GROUP", "SSO_<KEY>_ISSUER"):
        assert f"| `{name}` |" in table


def test_the_layers_page_lists_the_contract_s_layers_in_order():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    layers = [
        sorted(part.strip().removeprefix("samtale.") for part in layer.split("|"))
        for layer in contract["layers"]
    ]
    page = (DOCS / "developing" / "index.md").read_text()
    block = page.split("<!-- layers:", 1)[1].split("<!-- end of the layers -->", 1)[0]
    documented = [
        sorted(re.findall(r"`([a-z_]+)`", row.split("|")[1]))
        for row in block.splitlines()
        if row.startswith("| `")
    ]
    assert documented == layers


def _connected_receivers() -> set[tuple[str, str]]:
    """(signal, receiver) for every receiver in our code, once every module of the app is
    imported; each signal named by the module that defines it (its `signals` module)."""
    import importlib
    import pkgutil
    import weakref

    from django.dispatch import Signal

    import samtale

    for module in pkgutil.walk_packages(samtale.__path__, "samtale."):
        if not re.search(r"\.(tests|migrations|management)(\.|$)", module.name):
            importlib.import_module(module.name)
    signals: dict[int, tuple[str, Signal]] = {}
    for module_name, module in sorted(sys.modules.items()):
        for attribute, value in list(vars(module or object).items()):
            if issubclass(type(value), Signal):
                name = f"{module_name}.{attribute}"
                kept = signals.get(id(value))
                if kept is None or (".signals" in name and ".signals" not in kept[0]):
                    signals[id(value)] = (name, value)
    connected = set()
    for name, signal in signals.values():
        for entry in signal.receivers:
            receiver = entry[1]
            if isinstance(receiver, weakref.ReferenceType):
                receiver = receiver()
            if (getattr(receiver, "__module__", None) or "").startswith("samtale."):
                connected.add((name, f"{receiver.__module__}.{receiver.__qualname__}"))
    return connected


def test_the_signals_page_lists_every_receiver():
    page = (DOCS / "developing" / "signals.md").read_text()
    block = page.split("<!-- signals:", 1)[1].split("<!-- end of the signals -->", 1)[0]
    documented = {
        tuple(re.findall(r"`([\w.]+)`", row.split("|")[n])[0] for n in (1, 3))
        for row in block.splitlines()
        if row.startswith("| `")
    }
    assert documented == _connected_receivers()


def test_the_guide_shows_the_pictures_the_browser_tests_take():
    from tests.browser.test_docs_screenshots import PAGES, PHONE

    taken = {name for _role, name, _where in PAGES} | {PHONE}
    shown = set()
    for page in DOCS.rglob("*.md"):
        shown |= set(re.findall(r"images/([a-z-]+)\.png", page.read_text()))
    pictures = {p.stem for p in (DOCS / "images").glob("*.png")}
    assert taken <= pictures, f"run make docs-screenshots: {sorted(taken - pictures)}"
    assert shown <= pictures
    assert taken <= shown, f"taken but shown nowhere: {sorted(taken - shown)}"


def test_the_readme_fits_on_a_screen_or_two():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= 150
