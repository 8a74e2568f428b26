"""Reading the environment, and the problems found in it.

A value that makes no sense is not an exception here: it is put in PROBLEMS, and the
setting keeps its default, so that every module of the settings is read and the system
check of the settings (samtale.core.checks.settings_check) names every problem at once.
"""

import ipaddress
import os

# (check id, message, hint) of each value that makes no sense, in the order read.
PROBLEMS: list[tuple[str, str, str]] = []


def problem(code: str, message: str, hint: str = "") -> None:
    """Note a value that makes no sense (its check id, what is wrong, how to put it right)."""
    PROBLEMS.append((code, message, hint))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int, low: int | None = None, high: int | None = None) -> int:
    """A whole number, the default when it is none or outside low..high (either bound may be
    left open)."""
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        problem("samtale.E010", f"{name} must be a whole number, not {value!r}.")
        return default
    if (low is not None and number < low) or (high is not None and number > high):
        wanted = f"at least {low}" if high is None else f"between {low} and {high}"
        problem("samtale.E011", f"{name} must be {wanted}, not {number}.")
        return default
    return number


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        problem("samtale.E010", f"{name} must be a number, not {value!r}.")
        return default


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (given in any case), the default when it is none of them."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        said = ", ".join(f'"{choice}"' for choice in choices)
        problem("samtale.E012", f"{name} must be one of {said}, not {value!r}.")
        return default
    return value


def envnetworks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Addresses or networks, comma-separated (10.0.0.5,10.1.0.0/16); each one that is
    neither is a problem, and left out."""
    networks = []
    for item in envlist(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            problem("samtale.E013", f"{name}: {error}")
    return networks


def envtenant(name: str, default, *, code: str = "samtale.E010", **how):
    """A setting each tenant configures for itself (samtale.tenancy.configurable): declared
    here, once, with its kind, bounds and whether it is secret or the tenant's own; the home
    tenant's value read from the environment and checked by the same rules as `manage.py
    tenants configure` checks a registered tenant's. A value refused is a problem, and the
    default stands."""
    from samtale.tenancy import configurable

    declared = configurable.declare(name, **how)
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return declared.parse(value)
    except configurable.Refused as refused:
        problem(refused.code or code, str(refused))
        return default
