"""The software bill of materials (docs/procurement/sbom.cdx.json): every package Samtale
ships, in CycloneDX 1.6 JSON, made and checked against CycloneDX's schema by the CycloneDX
project's own library. `make procurement` writes it (scripts/procurement.py) and
tests/test_procurement_docs.py fails when it is not what the lock files say.

- Python: the packages the app installs (pyproject.toml's dependencies, with their extras)
  and every package they pull in, each at the version constraints.txt pins and with the
  licence its own metadata declares; the tools the tests and the documentation need are
  left out (the image does not hold them).
- Front-end: the npm packages static/vendor/ was copied from (scripts/vendor-frontend
  names each at its version), with the licence static/vendor/README.md gives it, and the
  SHA-256 of each file Samtale serves from them.

The same inputs give the same file: its serial number is derived from its components, and
it carries no time of its own (the commit that changes it has one)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import uuid
from importlib import metadata
from pathlib import Path

from cyclonedx.contrib.license.factories import LicenseFactory
from cyclonedx.model import HashAlgorithm, HashType
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator
from packageurl import PackageURL
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SBOM = ROOT / "docs" / "procurement" / "sbom.cdx.json"
CONSTRAINTS = ROOT / "constraints.txt"
VENDOR = ROOT / "static" / "vendor"
VENDOR_SCRIPT = ROOT / "scripts" / "vendor-frontend"
SCHEMA = SchemaVersion.V1_6
# A package@version in scripts/vendor-frontend; esbuild only builds the bundle.
NPM = re.compile(r"(@?[a-z0-9][\w.-]*(?:/[\w.-]+)?)@(\d+\.\d+\.\d+)")
BUILD_ONLY = {"esbuild"}


def pinned() -> dict[str, str]:
    """constraints.txt: every package's pinned version, by its canonical name."""
    found = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            found[canonicalize_name(name)] = version.strip()
    return found


def runtime() -> list[str]:
    """The app's packages: its dependencies and, through their metadata, what each pulls in
    (markers evaluated for this Python, extras followed), by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    environment = default_environment()
    wanted = [(Requirement(text), "") for text in project["dependencies"]]
    seen: dict[str, set[str]] = {}
    while wanted:
        requirement, extra = wanted.pop()
        if requirement.marker and not requirement.marker.evaluate(environment | {"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for text in metadata.requires(name) or []:
            needed = Requirement(text)
            for asked in ("", *seen[name]):
                wanted.append((needed, asked))
    return sorted(seen)


def _licence(name: str):
    """The licence the package's own metadata declares: its SPDX expression, else its
    licence field where that is a name rather than the licence's whole text."""
    meta = metadata.metadata(name)
    declared = meta.get("License-Expression") or meta.get("License") or ""
    if not declared or len(declared) > 80 or "\n" in declared:
        classifiers = [
            c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or [] if "License ::" in c
        ]
        declared = classifiers[0] if classifiers else ""
    return [LicenseFactory().make_from_string(declared)] if declared else []


def python_components() -> list[Component]:
    versions = pinned()
    components = []
    for name in runtime():
        version = versions.get(name) or metadata.version(name)
        components.append(
            Component(
                type=ComponentType.LIBRARY,
                name=name,
                version=version,
                scope=ComponentScope.REQUIRED,
                purl=PackageURL(type="pypi", name=name, version=version),
                bom_ref=f"pypi:{name}@{version}",
                licenses=_licence(name),
            )
        )
    return components


def _vendor_rows() -> dict[str, tuple[str, list[str]]]:
    """static/vendor/README.md's table: each package's licence and the files served from it."""
    rows: dict[str, tuple[str, list[str]]] = {}
    for line in (VENDOR / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not cells[1].startswith("`"):
            continue
        package = cells[1].strip("`")
        files = [f for f in re.findall(r"`([^`]+)`", cells[0]) if not f.startswith("..")]
        licence = cells[3].split(" ")[0]
        rows[package] = (licence, files)
    return rows


def npm_components() -> list[Component]:
    rows = _vendor_rows()
    found = dict(NPM.findall(VENDOR_SCRIPT.read_text(encoding="utf-8")))
    components = []
    for package, version in sorted(found.items()):
        if package in BUILD_ONLY:
            continue
        namespace, _, name = package.rpartition("/")
        licence, files = rows.get(package, ("MIT", []))  # the bundle's parts: README says MIT
        hashes = [
            HashType(
                alg=HashAlgorithm.SHA_256,
                content=hashlib.sha256((VENDOR / file).read_bytes()).hexdigest(),
            )
            for file in files
        ]
        components.append(
            Component(
                type=ComponentType.LIBRARY,
                name=name,
                group=namespace or None,
                version=version,
                scope=ComponentScope.REQUIRED,
                purl=PackageURL(
                    type="npm", namespace=namespace or None, name=name, version=version
                ),
                bom_ref=f"npm:{package}@{version}",
                licenses=[LicenseFactory().make_from_string(licence)],
                hashes=hashes,
                description=", ".join(f"static/vendor/{file}" for file in files) or None,
            )
        )
    return components


def text() -> str:
    """The SBOM as it should be, checked against CycloneDX's schema."""
    components = python_components() + npm_components()
    names = "\n".join(f"{c.bom_ref.value}" for c in components)
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, "samtale-sbom\n" + names))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bom.metadata.component = Component(
        type=ComponentType.APPLICATION,
        name=project["name"],
        version=project["version"],
        description=project["description"],
        bom_ref="samtale",
    )
    for component in components:
        bom.components.add(component)
    bom.register_dependency(bom.metadata.component, components)  # all it ships, as one
    made = json.loads(make_outputter(bom, OutputFormat.JSON, SCHEMA).output_as_string())
    made["metadata"].pop("timestamp", None)  # the same inputs, the same file
    made["metadata"].pop("tools", None)  # the library's own version: not what Samtale ships
    written = json.dumps(made, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    problem = make_schemabased_validator(OutputFormat.JSON, SCHEMA).validate_str(written)
    if problem is not None:
        raise SystemExit(f"scripts/sbom.py: the SBOM breaks CycloneDX's schema: {problem}")
    return written
