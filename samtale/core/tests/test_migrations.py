from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db(databases=["default", "control"])
def test_the_models_and_the_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
