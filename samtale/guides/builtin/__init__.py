"""The three built-in conversation templates, as data.

Bokmål is the sources' own wording (seeds 001 and 004), with only obvious typos
corrected; nynorsk and English are translations. Every text carries all three
languages. Migration 0002_builtin creates them on a fresh database.

Changing a built-in's content here does not change a database that already has
it: that takes a new migration that adds a new version (conversations keep the
version they were held with), and the change belongs in that migration's data,
so a fresh database and an old one end up the same.
"""

from copy import deepcopy

from samtale.guides.builtin.grunnmal import GRUNNMAL
from samtale.guides.builtin.innsjekk import INNSJEKK
from samtale.guides.builtin.skjema_8_tema import SKJEMA_8_TEMA

BUILTINS = [SKJEMA_8_TEMA, GRUNNMAL, INNSJEKK]
VERSION_FIELDS = ("name", "description", "kind", "summary_author", "duration_minutes", "themes")


def builtin_ensure(*, Guide, GuideVersion) -> list:
    """Create each built-in template whose key does not exist yet; return the ones created.

    Takes the model classes so a data migration can pass its historical models.
    Idempotent: a built-in that exists (retired, edited or not) is left alone.
    """
    created = []
    for builtin in BUILTINS:
        if Guide.objects.filter(key=builtin["key"]).exists():
            continue
        guide = Guide.objects.create(key=builtin["key"])
        GuideVersion.objects.create(
            guide=guide, number=1, **{name: deepcopy(builtin[name]) for name in VERSION_FIELDS}
        )
        created.append(guide)
    return created
