"""The buyer's documents (docs/procurement/) say what the code says (issue 64, part 4).

Their generated parts are made by scripts/procurement.py from the access matrix, the
retention settings, compose.yaml's services, the integrations' settings, the models, the
tests and the security measures' lines: a change to any of them without `make procurement`
fails the first test here. The others show that the parts are really derived: change an
input, and the part changes with it."""

import re
import shutil
from pathlib import Path

import pytest
from django.test import override_settings

from scripts import procurement
from tests.test_access_matrix import MATRIX

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_parts_are_what_the_code_says():
    assert procurement.stale() == [], "run make procurement (scripts/procurement.py)"


def test_every_page_has_its_generated_parts_filled():
    for name in procurement.PAGES:
        text = (procurement.DOCS / name).read_text(encoding="utf-8")
        parts = procurement.MARKER.findall(text)
        assert parts, f"{name} has no generated part"
        assert all(body.strip() for _, _, body, _ in parts), f"{name} has an empty part"


@override_settings(SAMTALE_RETAIN_NOTES_MONTHS=18, SAMTALE_MIN_GROUP=7)
def test_a_retention_or_group_setting_changed_changes_the_documents():
    assert "| `SAMTALE_RETAIN_NOTES_MONTHS` | 18 måneder |" in procurement.retention()
    assert "**7** personer" in procurement.min_group()
    assert {"docs/procurement/databehandleravtale.md", "docs/procurement/dpia.md"} <= set(
        procurement.stale()
    )


def test_a_service_added_to_compose_changes_the_subprocessors(tmp_path):
    compose = tmp_path / "compose.yaml"
    shutil.copy(procurement.COMPOSE, compose)
    text = compose.read_text(encoding="utf-8").replace(
        "\nnetworks:",
        "  smtp:\n    image: docker.io/boky/postfix:4\n    volumes:\n      - mailqueue:/var/spool\n"
        "\nnetworks:",
    )
    compose.write_text(text, encoding="utf-8")
    services = procurement.services(compose)
    assert (
        "| `smtp` | `docker.io/boky/postfix:4` | SMTP-relé for utgående e-post | volum `mailqueue` |"
        in services
    )
    assert services != procurement.services()
    stale = procurement.stale(compose)
    assert "docs/procurement/datalokasjon.md" in stale
    assert "docs/procurement/databehandleravtale.md" in stale


def _hr_column(table: str, kind: str) -> str:
    """The HR cell of the row for `kind` in the first table (the employee's own things)."""
    header, _, *rows = table.split("**B.")[0].split("\n")[2:]
    names = [cell.strip() for cell in header.strip("|").split("|")]
    row = next(r for r in rows if r.startswith(f"| {kind} |"))
    return [cell.strip() for cell in row.strip("|").split("|")][names.index("HR")]


def test_the_access_table_follows_the_matrix():
    """HR opening the employee's conversation (a row the matrix says is 404) would show in
    the table as a read let through."""
    table = procurement.who_sees_what(MATRIX)
    assert _hr_column(table, "Samtalen") == "–"
    hr = procurement.matrix_columns(MATRIX)[0].index("hr")
    opened = []
    for name, kwargs, method, expected, *data in MATRIX:
        if name == "conversation_detail" and method == "get":
            expected = expected[:hr] + (200,) + expected[hr + 1 :]
        opened.append((name, kwargs, method, expected, *data))
    assert opened != MATRIX
    assert _hr_column(procurement.who_sees_what(opened), "Samtalen").startswith("ser 1/")


def test_a_security_measure_whose_line_is_gone_is_shown_as_not_found(tmp_path):
    for path in {measure[1] for measure in procurement.sources.MEASURES}:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / path, tmp_path / path)
    signin = tmp_path / "config" / "settings" / "signin.py"
    signin.write_text(signin.read_text().replace("Argon2PasswordHasher", "MD5PasswordHasher"))
    table = procurement.security(tmp_path)
    assert "| Passord lagres som Argon2-hash | `config/settings/signin.py` | **NEI" in table
    assert table.count("| ja |") == len(procurement.sources.MEASURES) - 1


def test_every_file_the_pages_name_exists():
    named = set()
    for page in procurement.DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        named |= set(
            re.findall(r"`((?:samtale|tests|config|scripts|containers|docs)/[^`*<>]+)`", text)
        )
    missing = sorted(path for path in named if not (ROOT / path.rstrip("/")).exists())
    assert named
    assert missing == []


def test_every_test_the_risk_analysis_cites_speaks_of_its_threat():
    for threat, patterns in procurement.sources.THREATS.items():
        for pattern in patterns:
            found = sorted(ROOT.glob(pattern))
            assert found, f"{threat}: no test file at {pattern}"
            for path in found:
                assert procurement.backs(threat, path), f"{threat}: {path} is not its evidence"


def test_a_test_that_says_nothing_of_the_threat_is_refused_as_its_evidence(monkeypatch):
    """What the risk analysis cited before issue 71: conversations planned "outside" a round
    for forged messages from outside, and one definition per figure for re-identification."""
    for threat, path in (
        ("T07", "samtale/rounds/tests/test_outside_conversations.py"),
        ("T04", "tests/test_one_figure.py"),
    ):
        assert not procurement.backs(threat, ROOT / path)
        cited = {**procurement.sources.THREATS}
        cited[threat] = (*cited[threat], path)
        monkeypatch.setattr(procurement.sources, "THREATS", cited)
        with pytest.raises(SystemExit, match=f"{threat}: {path} says nothing of the threat"):
            procurement.evidence(threat)


def test_the_sbom_lists_what_the_app_ships_at_its_pinned_versions(tmp_path, monkeypatch):
    """The software bill of materials (CycloneDX, scripts/sbom.py) names each of the app's
    own packages at the version constraints.txt pins, what they pull in, and each vendored
    front-end file by its SHA-256; not the tools only the tests use. A pin changed changes
    it, so `make procurement` must be run (test_the_generated_parts_are_what_the_code_says)."""
    import hashlib
    import json

    from scripts import sbom

    made = json.loads(sbom.text())
    assert made["bomFormat"] == "CycloneDX" and made["specVersion"] == "1.6"
    purls = {c["purl"] for c in made["components"]}
    assert {"pkg:pypi/django@6.1.3", "pkg:pypi/asgiref@3.13.0", "pkg:pypi/weasyprint@70.0"} <= (
        purls
    )
    assert "pkg:npm/htmx.org@2.0.11" in purls
    assert not [p for p in purls if "pytest" in p or "playwright" in p or "esbuild" in p]
    hashes = {h["content"] for c in made["components"] for h in c.get("hashes", [])}
    served = (sbom.VENDOR / "htmx" / "htmx.min.js").read_bytes()
    assert hashlib.sha256(served).hexdigest() in hashes
    changed = tmp_path / "constraints.txt"
    changed.write_text(
        sbom.CONSTRAINTS.read_text().replace("asgiref==3.13.0", "asgiref==3.13.1"),
        encoding="utf-8",
    )
    monkeypatch.setattr(sbom, "CONSTRAINTS", changed)
    assert "pkg:pypi/asgiref@3.13.1" in sbom.text()
