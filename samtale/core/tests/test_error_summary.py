"""The error summary above a form that came back: each error once, named by its field, and
never the field's name twice ("Date: Date: …") where the error names it already."""

import re

from django import forms
from django.utils import translation

from samtale.core.forms import DateField


class Form(forms.Form):
    date = DateField(label="Dato")
    count = forms.IntegerField(label="Antall")


def summary_items(form) -> list[str]:
    html = form.render()
    [summary] = re.findall(r"<ds-error-summary.*?</ds-error-summary>", html, re.S)
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary, re.S)
    ]


def test_each_error_is_named_once():
    with translation.override("nb"):
        form = Form({"date": "31.02.2026", "count": "x"})
        items = summary_items(form)
    assert len(items) == 2
    assert items[0].startswith("Dato: 31.02.2026") and "Dato: Dato" not in items[0]
    assert items[1].startswith("Antall: ")


def test_an_allauth_page_says_its_errors_once(client_for):
    """The password confirmation (/konto/bekreft/) showed its summary twice."""
    response = client_for("employee").post("/konto/bekreft/", {"password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("<ds-error-summary") == 1
    assert 'href="#id_password"' in body
