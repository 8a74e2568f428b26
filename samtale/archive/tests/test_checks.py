"""The deployment check of the organization number (archive.checks) asks every tenant
served for its own: the home tenant's from the environment, a registered one's from the
register; a tenant whose row cannot be read stops no check."""

import pytest

from samtale import tenancy
from samtale.archive.checks import organization_number_check
from samtale.operators import services
from samtale.operators.tests import conftest as tenants_tests
from samtale.tenancy.models import Registration

# A second municipality from the tenants' tests (their fixtures).
nordvik = tenants_tests.nordvik

pytestmark = pytest.mark.django_db(databases=["default", "control"])

NUMBER = "315987652"


def _warned() -> list[str]:
    return [f"{message.id}: {message.msg}" for message in organization_number_check(None)]


def test_a_tenant_without_an_organization_number_is_named_in_the_warning(nordvik, settings):
    settings.SAMTALE_ORGANIZATION_NUMBER = NUMBER
    [warning] = _warned()
    assert warning.startswith("samtale.W005: SAMTALE_ORGANIZATION_NUMBER is not set for nordvik:")

    settings.SAMTALE_ORGANIZATION_NUMBER = ""
    [warning] = _warned()
    assert "is not set for main, nordvik:" in warning


def test_no_warning_when_every_tenant_has_its_own_number(nordvik, settings):
    settings.SAMTALE_ORGANIZATION_NUMBER = NUMBER
    services.tenant_configure("nordvik", {"SAMTALE_ORGANIZATION_NUMBER": "974760673"})
    assert _warned() == []


def test_the_home_tenants_number_is_not_every_tenants(nordvik, settings):
    """Read from Django's settings the home tenant's number would answer for Nordvik too."""
    settings.SAMTALE_ORGANIZATION_NUMBER = NUMBER
    assert tenancy.TenantSettings(nordvik).SAMTALE_ORGANIZATION_NUMBER == ""
    assert "nordvik" in _warned()[0]


def test_a_tenant_whose_row_cannot_be_read_stops_no_check(nordvik, settings):
    settings.SAMTALE_ORGANIZATION_NUMBER = ""
    Registration.objects.filter(slug="nordvik").update(password="encrypted with another key")
    tenancy.forget()
    [warning] = _warned()
    assert "is not set for main:" in warning
