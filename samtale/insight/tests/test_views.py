from django.urls import reverse

from samtale.insight.tests.test_selectors import answered, org  # noqa: F401 - the fixture


def test_hr_sees_the_answers_per_unit_and_a_small_team_hidden(client_for, org):  # noqa: F811
    answered(org, org["a"], [1, 2, 3, 4, 5, 5])
    answered(org, org["b"], [5, 5, 4, 4, 4])
    answered(org, org["b"], [2, 3, 3], statement="ledelse")
    client = client_for("hr")
    body = client.get(reverse("likert_results")).content.decode()
    assert "Hele organisasjonen" in body
    page = client.get(reverse("likert_results"), {"enhet": org["top"].pk}).content.decode()
    assert "Team A" in page and "Team B" in page
    assert "3,3" in page  # team A's mean, 20/6
    assert "ledelse" not in body and "ledelse" not in page  # 3 answered: no figure at all
    assert page.count("Skjult for å verne de få som svarte") == 0


def test_a_team_below_k_is_hidden_and_so_is_the_sibling_that_would_reveal_it(
    client_for,
    org,  # noqa: F811
):
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 4, 4])
    page = (
        client_for("hr").get(reverse("likert_results"), {"enhet": org["top"].pk}).content.decode()
    )
    assert page.count("Skjult for å verne de få som svarte") == 2


def test_the_csv_has_the_figures_shown_and_no_others(client_for, org):  # noqa: F811
    answered(org, org["a"], [1, 2, 3, 4, 5])
    answered(org, org["b"], [5, 5, 4, 4])
    response = client_for("hr").get(reverse("likert_results"), {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith("attachment")
    assert "Virksomhet" in text and "Team A" not in text and "Team B" not in text


def test_a_unit_that_does_not_exist_is_not_found(client_for, org):  # noqa: F811
    assert client_for("hr").get(reverse("likert_results"), {"enhet": "999999"}).status_code == 404
    assert client_for("hr").get(reverse("likert_results"), {"enhet": "x"}).status_code == 404


def test_the_page_shows_how_satisfied_they_were_and_the_csv_has_it(client_for, org):  # noqa: F811
    from samtale.insight.tests.test_selectors import rated

    rated(org, org["a"], [5, 4, 4, 3, 5])
    rated(org, org["b"], [2, 3, 4])
    client = client_for("hr")
    page = client.get(reverse("likert_results")).content.decode()
    assert "Hvor fornøyde de ansatte var med samtalen" in page
    assert "3,8" in page  # the organization: 8 people, 30 / 8 = 3.75
    text = client.get(reverse("likert_results"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Hvor fornøyd med samtalen" in text


def test_a_year_that_is_no_year_says_so_and_shows_this_year(client_for, org):  # noqa: F811
    for bad in ("abc", "99999", "1"):
        response = client_for("hr").get(reverse("likert_results"), {"year": bad})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'aria-invalid="true"' in page or "ds-validation-message" in page, bad
