"""Bokmål and nynorsk are complete: every text in the code is translated, and compiled."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ["nb", "nn"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


def _po(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_translated_and_none_is_fuzzy(lang):
    po = _po(lang)
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries() if e.msgid] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    for entry in _po(lang).translated_entries():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translated in pairs:
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translated)), (
                entry.msgid
            )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_the_source(lang):
    mo = polib.mofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in mo if e.msgid}
    source = {(e.msgid, e.msgstr or str(e.msgstr_plural)) for e in _po(lang).translated_entries()}
    assert source == compiled, "run `make messages` to compile the catalogues"


def test_every_text_in_the_code_is_in_the_catalogue(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("GNU gettext (xgettext) is needed in CI: apt-get install gettext")
        pytest.skip("GNU gettext (xgettext) is not installed: apt-get install gettext")
    # makemessages writes into locale/, so it runs on a copy of the sources.
    for part in ("samtale", "templates", "config", "locale", "manage.py"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / part)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nb", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        timeout=120,
    )
    extracted = polib.pofile(str(tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    missing = sorted({e.msgid for e in extracted} - {e.msgid for e in _po("nb")})
    assert missing == [], "run `make messages` and translate these"
