"""Theme 6 of the built-in form (Ledelse) asks its questions as statements about the leader
too, answered privately (upward feedback). A database made before this gets a new version
of the built-in template with them; one made after has them in version 1 already (0002
creates the built-ins from the code), and is left alone."""

from copy import deepcopy

from django.db import migrations

from samtale.guides.builtin.skjema_8_tema import SKJEMA_8_TEMA, LEADERSHIP_STATEMENTS


def add_leadership_statements(apps, schema_editor):
    Guide = apps.get_model("guides", "Guide")
    GuideVersion = apps.get_model("guides", "GuideVersion")
    guide = Guide.objects.filter(key=SKJEMA_8_TEMA["key"]).first()
    if guide is None:
        return
    latest = GuideVersion.objects.filter(guide=guide).order_by("-number").first()
    themes = deepcopy(latest.themes)
    theme = next((t for t in themes if t["key"] == "ledelse"), None)
    if theme is None or theme.get("about_leader") or theme.get("statements"):
        return
    theme["statements"] = deepcopy(LEADERSHIP_STATEMENTS)
    theme["about_leader"] = True
    GuideVersion.objects.create(
        guide=guide,
        number=latest.number + 1,
        name=latest.name,
        description=latest.description,
        kind=latest.kind,
        summary_author=latest.summary_author,
        duration_minutes=latest.duration_minutes,
        themes=themes,
        created_by=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0002_builtin"),
    ]

    operations = [
        migrations.RunPython(add_leadership_statements, migrations.RunPython.noop),
    ]
