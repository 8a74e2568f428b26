from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from samtale.core import access
from samtale.core.http import guarded
from samtale.core.spreadsheet import csv_bytes, download
from samtale.guides.models import GuideVersion, localized
from samtale.insight import anonymity, selectors


class LikertFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


def _statements(answers) -> dict[str, str]:
    """Each statement's text, in the reader's language, from the templates answered."""
    texts = {}
    versions = GuideVersion.objects.filter(
        pk__in=answers.values("conversation__guide_version")
    ).only("themes")
    for version in versions:
        for statement in version.statements():
            texts.setdefault(statement["key"], localized(statement["text"]))
    return texts


@guarded(access.may_see_insight)
@require_GET
def likert_results(request):
    """The statements' answers per unit for a year: the organization or one unit, and the
    units right below it; a group only where the anonymity rule lets it through."""
    filters = LikertFilterForm(request.GET or None)
    year = (filters.cleaned_data.get("year") if filters.is_valid() else None) or (
        timezone.localdate().year
    )
    units = access.units_visible_to(request.user)
    unit = None
    if request.GET.get("enhet"):
        try:
            unit = units.get(pk=int(request.GET["enhet"]))
        except (ValueError, units.model.DoesNotExist):
            raise Http404 from None
    answers = access.likert_answers_countable_by(request.user).filter(
        conversation__held_at__year=year
    )
    k = anonymity.min_group()
    figures = selectors.likert_by_unit(answers=answers, units=units, k=k)
    satisfaction = selectors.satisfaction_by_unit(
        feedback=access.feedback_countable_by(request.user).filter(
            conversation__held_at__year=year
        ),
        units=units,
        k=k,
    )
    texts = _statements(answers)
    if request.GET.get("format") == "csv":
        names = dict(units.values_list("pk", "name"))
        lines = [[_("Statement"), _("Unit"), _("People"), _("Mean"), "1", "2", "3", "4", "5"]]
        everything = [(_("How satisfied with the conversation"), satisfaction)] + [
            (texts.get(key, key), groups) for key, groups in sorted(figures.items())
        ]
        for text, groups in everything:
            for group, figure in groups.items():
                name = (
                    _("The whole organization") if group == selectors.ORGANIZATION else names[group]
                )
                lines.append(
                    [
                        text,
                        name,
                        figure.people,
                        round(figure.mean, 2),
                        *figure.counts,
                    ]
                )
        return download(csv_bytes(lines), filename=f"svar-{year}.csv")
    order = {key: n for n, key in enumerate(texts)}  # as the templates ask them
    node = unit.pk if unit else selectors.ORGANIZATION
    below = list(
        units.filter(parent=unit).order_by("name")
        if unit
        else units.filter(parent=None).order_by("name")
    )

    def rows(groups: dict) -> list[dict]:
        return [
            {"unit": unit, "figure": groups.get(node), "is_node": True},
            *({"unit": child, "figure": groups.get(child.pk)} for child in below),
        ]

    shown = [
        (key, groups)
        for key, groups in sorted(figures.items(), key=lambda item: order.get(item[0], len(order)))
        if groups  # a statement too few answered shows nothing, not even its rows
    ]
    statements = [
        {"anchor": f"statement-{n}", "text": texts.get(key, key), "rows": rows(groups)}
        for n, (key, groups) in enumerate(shown, start=1)
    ]
    return render(
        request,
        "insight/likert.html",
        {
            "filters": filters,
            "year": year,
            "unit": unit,
            "satisfaction": rows(satisfaction) if satisfaction else None,
            "statements": statements,
            "k": k,
        },
    )
