"""The register of personal data (privacy.register) is made from the models: every field
that can hold a person's data has its rule, and every rule names a field that is there."""

import importlib

from samtale.privacy import register


def test_every_field_that_can_hold_a_persons_data_has_its_rule():
    missing = [f"{label}.{name}" for label, name, rule in register.register() if rule is None]
    assert missing == [], f"a field with no rule in privacy.register.RULES: {missing}"


def test_each_rule_says_what_happens_why_and_by_what_code():
    for label, name, rule in register.register():
        assert rule.kind in register.KINDS and rule.why, f"{label}.{name}"
        if rule.kind in (register.DELETED, register.BLANKED):
            assert rule.when and rule.by, f"{label}.{name}: after what, and by which code?"
            importlib.import_module(rule.by)


def test_no_rule_names_a_model_or_field_that_is_not_there():
    found = register.fields()
    for label, rules in register.RULES.items():
        assert label in found, f"{label}: no such model with personal fields"
        if isinstance(rules, dict):
            stale = set(rules) - {"*"} - set(found[label])
            assert not stale, f"{label}: {stale} are not fields that can hold personal data"


def test_a_new_field_is_found_and_has_no_rule_until_given_one(monkeypatch):
    """Planted: a text field added to a model is in the register at once, without a rule."""
    from django.db import models

    from samtale.conversations.models import TimeProposal

    field = models.TextField(name="planted_remark", blank=True)
    field.set_attributes_from_name("planted_remark")
    field.model = TimeProposal
    monkeypatch.setattr(
        TimeProposal._meta, "local_fields", [*TimeProposal._meta.local_fields, field]
    )
    TimeProposal._meta._expire_cache()
    try:
        found = {(label, name): rule for label, name, rule in register.register()}
        assert ("conversations.TimeProposal", "planted_remark") in found
        assert found[("conversations.TimeProposal", "planted_remark")] is None
    finally:
        monkeypatch.undo()
        TimeProposal._meta._expire_cache()


def test_the_register_counts_more_than_the_generators_forty_tables():
    fields = register.register()
    assert len({label for label, _name, _rule in fields}) > 40
    assert sum(rule.kind != register.NOT_PERSONAL for *_, rule in fields) > 100


def test_no_model_has_a_field_for_pay():
    """The data processing agreement says pay is not a field anywhere."""
    from django.apps import apps

    words = ("salary", "wage", "pay", "lonn", "lønn", "income")
    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if any(word in field.name.lower() for word in words)
    ]
    assert fields == []
