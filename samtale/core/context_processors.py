"""What every page's chrome links to, whoever is signed in (the home app's navigation adds
what the access policy lets the person reach)."""

from functools import cache

from django.urls import reverse

# The language switch shows each language in its own words.
LANGUAGE_NAMES = (("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English"))


@cache
def chrome_urls() -> dict[str, str]:
    """The addresses every page's header, footer and session warning link to, reversed once
    per process (`urls.<name>` in templates)."""
    names = ("home", "profile", "logout", "login", "language_set", "session_status")
    return {name: reverse(name) for name in (*names, "accessibility_statement")}
