import pytest

from samtale.guides.builtin import builtin_ensure
from samtale.guides.models import Guide, GuideVersion


@pytest.fixture
def builtins(db):
    """The built-in templates by key. Ensured, because a browser test's flush removes them."""
    builtin_ensure(Guide=Guide, GuideVersion=GuideVersion)
    return {guide.key: guide for guide in Guide.objects.filter(key__isnull=False)}
