"""Each setting a tenant configures is read by its name with its type (tenancy.typed,
generated from the declarations by scripts/tenant_settings.py): the file is what the
declarations say, each type is what the setting's value is, and no product code names a
setting in a string for `setting()` or `value_of()` to look up."""

import ast
import typing
from pathlib import Path

import pytest

from samtale import tenancy
from samtale.tenancy import TenantSettings, configurable, tenant_settings
from scripts import tenant_settings as generator
from testkit.core import outside_any_tenant
from testkit.source import REPOSITORY, product_copy, product_files

# The generated reader is the one place that names each setting to look it up.
GENERATED = Path("core", "tenancy", "typed.py")
READERS = {"setting", "value_of"}


def test_the_typed_settings_are_what_the_declarations_say():
    assert generator.render() == generator.TYPED.read_text(encoding="utf-8"), (
        "run make tenant-settings (scripts/tenant_settings.py)"
    )
    assert list(typing.get_type_hints(TenantSettings)) == list(tenancy.declared())


def test_a_setting_declared_anew_changes_the_generated_file(monkeypatch):
    declared = dict(configurable.DECLARED)
    declared["SAMTALE_MEETING_MINUTES"] = configurable.Declared(
        "SAMTALE_MEETING_MINUTES", kind=configurable.NUMBER, low=15, high=240
    )
    monkeypatch.setattr(configurable, "DECLARED", declared)
    written = generator.render()
    assert written != generator.TYPED.read_text(encoding="utf-8")
    assert (
        "    # Number, 15 to 240; per municipality.\n    SAMTALE_MEETING_MINUTES: int\n" in written
    )


def _holds(value: object, wanted: object) -> bool:
    """Whether `value` is of the type `wanted` (str, int, bool, list[dict[str, Any]], or a
    union of those): a number is no yes/no, nor a yes/no a number."""
    if isinstance(wanted, type):
        return type(value) is wanted
    origin = typing.get_origin(wanted)
    arguments = typing.get_args(wanted)
    if origin is list:
        return isinstance(value, list) and all(_holds(item, arguments[0]) for item in value)
    if origin is dict:
        return isinstance(value, dict) and all(isinstance(key, str) for key in value)
    if wanted is type(None):
        return value is None
    return any(_holds(value, argument) for argument in arguments)


def _types() -> dict[str, object]:
    return typing.get_type_hints(TenantSettings)


def test_each_setting_is_of_its_type_in_the_home_tenant_and_in_a_registered_one():
    """The home tenant's values are the environment's (envtenant's defaults and what it
    parses); a registered tenant's, left unset, are its own `unset` or `derived` value, or
    the installation's."""
    registered = tenancy.Tenant(
        slug="nordvik", name="Nordvik kommune", url="https://nordvik.example", database={"N": 1}
    )
    for tenant in (tenancy.current(), registered):
        read = TenantSettings(tenant)
        for name, wanted in _types().items():
            value = getattr(read, name)
            assert _holds(value, wanted), f"{tenant.slug}: {name} is {value!r}, not {wanted}"


def test_a_given_tenant_s_settings_are_its_own_not_the_current_one_s(settings):
    settings.SAMTALE_MIN_GROUP = 5
    nordvik = tenancy.Tenant(
        slug="nordvik",
        name="Nordvik kommune",
        url="https://nordvik.example",
        database={"NAME": "nordvik"},
        config={"SAMTALE_MIN_GROUP": 7, "DEFAULT_FROM_EMAIL": "Nordvik <samtale@nordvik.no>"},
    )
    assert TenantSettings(nordvik).SAMTALE_MIN_GROUP == 7
    # Its own, unset: made from its sender, never the installation's calendar address.
    assert TenantSettings(nordvik).SAMTALE_CALENDAR_ADDRESS == "samtale@nordvik.no"
    assert tenant_settings.SAMTALE_MIN_GROUP == 5
    with tenancy.activated(nordvik):
        assert tenant_settings.SAMTALE_MIN_GROUP == 7


def test_outside_any_tenant_the_current_tenant_s_settings_are_refused():
    with outside_any_tenant(), pytest.raises(tenancy.NoTenant):
        tenant_settings.SAMTALE_MIN_GROUP  # noqa: B018 - read, to be refused


def named_reads(root: Path) -> tuple[int, list[str]]:
    """(product files read under `root`, each place one of them looks a tenant's setting up
    by a name in a string: `setting("NAME")`, `value_of(tenant, "NAME")`, or hands the
    look-up on to be called so, `get = tenancy.setting`). Tests are not product code; the
    generated reader is the one place that does it. (A variable of its own called `setting`
    is no look-up: only a module's, `x.setting`, is counted when handed on.)"""
    files = [path for path in product_files(root) if path != root / "samtale" / GENERATED]
    found = []
    for path in files:
        relative = path.relative_to(root / "samtale")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        called = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called.add(id(node.func))
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            given = [*node.args, *(word.value for word in node.keywords)]
            if name in READERS and any(
                isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in given
            ):
                found.append(f"{relative}:{node.lineno}: {ast.unparse(node)}")
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute) or id(node) in called:
                continue
            if node.attr in READERS and isinstance(node.ctx, ast.Load):
                found.append(f"{relative}:{node.lineno}: {ast.unparse(node)} handed on")
    return len(files), found


def test_no_product_code_looks_a_setting_up_by_a_name_in_a_string():
    _, found = named_reads(REPOSITORY)
    said = "\n".join(found)
    assert not found, f"read them as tenant_settings.NAME (tenancy.typed):\n{said}"


def test_a_setting_looked_up_by_name_in_a_copy_of_the_product_is_found(tmp_path):
    """The walk above, over a copy of the product with such reads planted: it finds each."""
    root = product_copy(tmp_path, folders=("samtale",))
    copy = root / "samtale"
    walked, found = named_reads(root)
    assert walked > 100 and not found
    planted = copy / "insight" / "anonymity.py"
    planted.write_text(
        planted.read_text(encoding="utf-8")
        + "\n\ndef planted(tenant):\n"
        + '    return tenancy.setting("SAMTALE_MIN_GROUP"), value_of(tenant, name="SAMTALE_X")\n'
        + "\n\nget = tenancy.setting\n",
        encoding="utf-8",
    )
    # A test's reads are its own business, and the generated reader's are the point of it.
    (copy / "insight" / "tests" / "test_planted.py").write_text(
        'READ = tenancy.setting("SAMTALE_MIN_GROUP")\n', encoding="utf-8"
    )
    _, found = named_reads(root)
    lines = planted.read_text(encoding="utf-8").splitlines()
    at = len(lines) - 3
    assert found == [
        f"insight/anonymity.py:{at}: tenancy.setting('SAMTALE_MIN_GROUP')",
        f"insight/anonymity.py:{at}: value_of(tenant, name='SAMTALE_X')",
        f"insight/anonymity.py:{len(lines)}: tenancy.setting handed on",
    ]
