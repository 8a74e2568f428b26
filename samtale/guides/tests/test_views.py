import re

import pytest
from django.urls import reverse

from samtale.core.models import AuditEntry
from samtale.guides import selectors
from samtale.guides.models import Guide, GuideVersion

NOT_HR = ["employee", "other_employee", "leader", "other_leader", "leaders_leader"]


def _post_data(version: GuideVersion | None = None, **extra) -> dict:
    """What the edit form posts: the page's own values, as a browser would send them back."""
    data = {
        "name": "Samtale for nyansatte",
        "description": "",
        "kind": "annual",
        "summary_author": "employee",
        "duration_minutes": "60",
        "themes-TOTAL_FORMS": "1",
        "themes-INITIAL_FORMS": "0",
        "themes-MIN_NUM_FORMS": "0",
        "themes-MAX_NUM_FORMS": "30",
        "themes-0-key": "",
        "themes-0-title": "Motivasjon",
        "themes-0-help": "",
        "themes-0-prompts": "Hva gir deg energi?",
        "themes-0-statements": "",
        "themes-0-ORDER": "1",
    }
    if version is not None:
        data |= {
            "name": version.name["nb"],
            "description": version.description.get("nb", ""),
            "kind": version.kind,
            "summary_author": version.summary_author,
            "duration_minutes": str(version.duration_minutes),
            "themes-TOTAL_FORMS": str(len(version.themes)),
            "themes-INITIAL_FORMS": str(len(version.themes)),
        }
        for i, theme in enumerate(version.themes):
            data |= {
                f"themes-{i}-key": theme["key"],
                f"themes-{i}-title": theme["title"]["nb"],
                f"themes-{i}-help": theme["help"].get("nb", ""),
                f"themes-{i}-prompts": "\n".join(p["nb"] for p in theme["prompts"]),
                f"themes-{i}-statements": "\n".join(
                    f"{s['group']['nb']}: {s['text']['nb']}" if s["group"] else s["text"]["nb"]
                    for s in theme["statements"]
                ),
                f"themes-{i}-ORDER": str(i + 1),
            }
            if theme["goals"]:
                data[f"themes-{i}-goals"] = "on"
            if theme["leader_only"]:
                data[f"themes-{i}-leader_only"] = "on"
    return data | extra


def test_hr_lists_every_template_with_its_current_version(client_for, builtins):
    Guide.objects.filter(key="innsjekk").update(retired_at="2026-01-01T00:00:00Z")
    body = client_for("hr").get(reverse("guide_list")).content.decode()
    assert "Medarbeidersamtale – skjema med 8 tema" in body
    assert "Grunnleggende mal" in body
    assert "Kort innsjekk" in body
    assert reverse("guide_create") in body


def test_the_list_takes_the_same_number_of_queries_for_many_templates(
    client_for, builtins, django_assert_max_num_queries
):
    client = client_for("admin")
    client.get(reverse("guide_list"))
    for n in range(20):
        guide = Guide.objects.create()
        guide.versions.create(number=1, name={"nb": f"Mal {n}"}, themes=[])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("guide_list"))
    assert "Mal 19" in response.content.decode()


def test_the_navigation_shows_templates_to_hr_and_administrators_only(client_for, builtins):
    url = reverse("guide_list")
    assert f'href="{url}"' in client_for("hr").get(reverse("home")).content.decode()
    assert f'href="{url}"' in client_for("admin").get(reverse("home")).content.decode()
    assert f'href="{url}"' not in client_for("leader").get(reverse("home")).content.decode()


def test_the_preview_shows_themes_questions_statements_scale_and_goals_table(client_for, builtins):
    guide = builtins["grunnmal"]
    body = client_for("hr").get(reverse("guide_detail", args=[guide.pk])).content.decode()
    assert "Medarbeiderens styrker" in body
    assert "Hvordan kan medarbeideren utvikle styrkene sine ytterligere?" in body
    assert "Kollegene mine gjør arbeidet mitt enklere" in body
    assert body.count('type="radio"') == 8 * 5
    for group in ("Individuelt", "Teamarbeid", "Organisasjon"):
        assert f'<h4 class="ds-heading" data-size="xs">{group}</h4>' in body
    assert body.count('<table class="guide-goals">') == 1


def test_the_preview_shows_the_leaders_theme_and_the_history_with_counts(
    client_for, builtins, monkeypatch
):
    guide = builtins["skjema-8-tema"]
    version = selectors.current_version(guide)
    monkeypatch.setattr(selectors, "version_usage", lambda guide: {version.pk: 7})
    body = client_for("admin").get(reverse("guide_detail", args=[guide.pk])).content.decode()
    assert "Prioriterte mål og satsingsområder for arbeidsplassen" in body
    assert "Leder konkretiserer" in body
    assert re.search(r'<td class="num" data-label="[^"]+">7</td>', body)


def test_the_preview_is_in_the_readers_language(client_for, builtins, people):
    people.hr.language = "nn"
    people.hr.save()
    client = client_for("hr")
    client.cookies["samtale_language"] = "nn"
    body = client.get(reverse("guide_detail", args=[builtins["grunnmal"].pk])).content.decode()
    assert "Styrkane til medarbeidaren" in body


@pytest.mark.parametrize("role", NOT_HR)
def test_the_pages_are_refused_to_everyone_but_hr_and_administrators(client_for, builtins, role):
    client = client_for(role)
    pk = builtins["grunnmal"].pk
    assert client.get(reverse("guide_list")).status_code == 403
    assert client.get(reverse("guide_create")).status_code == 403
    assert client.get(reverse("guide_detail", args=[pk])).status_code == 403
    assert client.get(reverse("guide_edit", args=[pk])).status_code == 403
    assert client.post(reverse("guide_edit", args=[pk]), _post_data()).status_code == 403
    assert client.post(reverse("guide_copy", args=[pk])).status_code == 403
    assert client.post(reverse("guide_retire", args=[pk])).status_code == 403
    assert Guide.objects.count() == 3
    assert not AuditEntry.objects.exclude(action="login.succeeded").exists()


def test_a_template_that_does_not_exist_is_not_found(client_for, builtins):
    assert client_for("hr").get(reverse("guide_detail", args=[999999])).status_code == 404
    assert client_for("hr").post(reverse("guide_copy", args=[999999])).status_code == 404


def test_copy_retire_and_restore_refuse_get(client_for, builtins):
    client = client_for("hr")
    pk = builtins["grunnmal"].pk
    for name in ("guide_copy", "guide_retire", "guide_restore"):
        assert client.get(reverse(name, args=[pk])).status_code == 405


def test_hr_creates_a_template(client_for, people, builtins):
    response = client_for("hr").post(reverse("guide_create"), _post_data())
    guide = Guide.objects.get(key__isnull=True)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("guide_detail", args=[guide.pk])
    version = selectors.current_version(guide)
    assert version.name == {"nb": "Samtale for nyansatte"}
    assert version.themes[0]["prompts"] == [{"nb": "Hva gir deg energi?"}]


def test_the_new_template_form_starts_with_one_empty_theme(client_for, builtins):
    body = client_for("hr").get(reverse("guide_create")).content.decode()
    assert 'name="themes-TOTAL_FORMS" value="1"' in body
    assert 'name="themes-0-title"' in body


def test_the_edit_form_shows_the_current_texts(client_for, builtins):
    guide = builtins["grunnmal"]
    body = client_for("hr").get(reverse("guide_edit", args=[guide.pk])).content.decode()
    assert 'value="Grunnleggende mal"' in body
    assert "Teamarbeid: Kollegene mine gjør arbeidet mitt enklere" in body
    assert 'name="themes-TOTAL_FORMS" value="5"' in body


def test_adding_a_theme_shows_one_more_empty_theme_and_saves_nothing(client_for, builtins):
    guide = builtins["innsjekk"]
    version = selectors.current_version(guide)
    data = _post_data(version, add_theme="1", **{"themes-0-title": "Siden forrige gang"})
    response = client_for("hr").post(reverse("guide_edit", args=[guide.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="themes-TOTAL_FORMS" value="4"' in body
    assert 'value="Siden forrige gang"' in body
    assert 'name="themes-3-title"' in body and "autofocus" in body
    assert 'role="alert"' not in body
    assert GuideVersion.objects.get(pk=version.pk).themes == version.themes


def test_a_new_theme_is_saved_after_the_others_with_a_new_key(client_for, builtins):
    guide = builtins["innsjekk"]
    data = _post_data(selectors.current_version(guide)) | {
        "themes-TOTAL_FORMS": "4",
        "themes-3-title": "Trivsel",
        "themes-3-prompts": "Hvordan har du det på jobb?",
        "themes-3-statements": "Trivsel: Jeg trives på jobb",
        "themes-3-ORDER": "",
    }
    response = client_for("hr").post(reverse("guide_edit", args=[guide.pk]), data)
    assert response.status_code == 302
    version = selectors.current_version(guide)
    assert [t["key"] for t in version.themes] == [
        "siden-sist",
        "akkurat-na",
        "neste-steg",
        "trivsel",
    ]
    assert version.themes[3]["statements"][0]["group"] == {"nb": "Trivsel"}


def test_editing_a_used_template_says_so_and_makes_a_new_version(client_for, builtins, monkeypatch):
    guide = builtins["skjema-8-tema"]
    version = selectors.current_version(guide)
    monkeypatch.setattr(selectors, "version_use_count", lambda v: 3 if v.pk == version.pk else 0)
    monkeypatch.setattr(selectors, "version_in_use", lambda v: v.pk == version.pk)
    client = client_for("hr")
    body = client.get(reverse("guide_edit", args=[guide.pk])).content.decode()
    assert "3" in body and 'class="ds-alert" data-color="warning"' in body
    data = _post_data(version, **{"themes-0-title": "Motivasjon og mestring"})
    response = client.post(reverse("guide_edit", args=[guide.pk]), data)
    assert response.status_code == 302
    assert guide.versions.count() == 2
    assert selectors.current_version(guide).themes[0]["title"] == {"nb": "Motivasjon og mestring"}
    assert GuideVersion.objects.get(pk=version.pk).themes == version.themes


@pytest.mark.parametrize(
    "change",
    [
        {"name": ""},
        {"duration_minutes": "5"},
        {"duration_minutes": "mange"},
        {"themes-0-title": ""},
        {"themes-0-DELETE": "on"},
        {"themes-0-goals": "on", "themes-1-goals": "on"},
        {"themes-TOTAL_FORMS": "31"},
    ],
    ids=["no-name", "too-short", "not-a-number", "no-title", "no-themes", "two-goals", "too-many"],
)
def test_bad_input_gets_a_message_and_changes_nothing(client_for, builtins, change):
    guide = builtins["innsjekk"]
    before = list(GuideVersion.objects.values())
    data = _post_data(selectors.current_version(guide))
    if "themes-0-DELETE" in change:
        data |= {"themes-TOTAL_FORMS": "1", "themes-INITIAL_FORMS": "1"}
    response = client_for("hr").post(reverse("guide_edit", args=[guide.pk]), data | change)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<ds-error-summary" in body
    assert list(GuideVersion.objects.values()) == before
    assert not AuditEntry.objects.exclude(action="login.succeeded").exists()


def test_copying_opens_the_copy_for_editing(client_for, builtins):
    source = builtins["skjema-8-tema"]
    response = client_for("admin").post(reverse("guide_copy", args=[source.pk]))
    copy = Guide.objects.exclude(pk__in=[g.pk for g in builtins.values()]).get()
    assert response.headers["Location"] == reverse("guide_edit", args=[copy.pk])
    assert selectors.current_version(copy).name["nb"].startswith("Kopi av ")


def test_retiring_and_restoring_go_back_to_the_template(client_for, builtins):
    client = client_for("hr")
    guide = builtins["innsjekk"]
    response = client.post(reverse("guide_retire", args=[guide.pk]))
    assert response.headers["Location"] == reverse("guide_detail", args=[guide.pk])
    guide.refresh_from_db()
    assert guide.retired_at is not None
    body = client.get(reverse("guide_detail", args=[guide.pk])).content.decode()
    assert reverse("guide_restore", args=[guide.pk]) in body
    client.post(reverse("guide_restore", args=[guide.pk]))
    guide.refresh_from_db()
    assert guide.retired_at is None


def test_restoring_an_active_template_gets_a_message(client_for, builtins):
    client = client_for("hr")
    guide = builtins["innsjekk"]
    response = client.post(reverse("guide_restore", args=[guide.pk]), follow=True)
    assert 'class="ds-alert" data-color="danger" role="alert"' in response.content.decode()
