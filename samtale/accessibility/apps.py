from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    """Each municipality's accessibility statement (/tilgjengelighet/) and the assessment
    behind it: the WCAG criteria (wcag.py), Samtale's state of each and its evidence
    (conformance.py), and what the browser tests last found (conformance_outcomes.json),
    read by the statement and by the conformance report (scripts/conformance.py) alike."""

    name = "samtale.accessibility"
    label = "accessibility"
