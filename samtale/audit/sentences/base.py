"""What the sentences' table is made of: the words of one action code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class Words:
    """How the entries of one code read.

    `text` is the sentence; with `by`, the value of that detail (or of a fact: "self", the
    actor acting on their own person record; "object", whether the entry names an object;
    "subject", the subject's name as looked up) picks one of `variants` instead, and
    `text` is for any other value. `labels` shows a detail's codes in words."""

    text: Promise
    by: str = ""
    variants: Mapping[object, Promise] = field(default_factory=dict)
    labels: Mapping[str, Mapping] = field(default_factory=dict)

    def pick(self, facts: Mapping) -> Promise:
        if not self.by:
            return self.text
        return self.variants.get(facts.get(self.by), self.text)


W = Words
