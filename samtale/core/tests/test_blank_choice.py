"""The first option of a required select ("- Select an option -" since Django 6.1) is one
of our texts, so it is read in the user's language.

Needs the translation of "- Select an option -" in locale/nb and locale/nn (samtale.core.apps
makes it ours; Django's catalogue has neither).
"""

import re

import pytest
from django.urls import reverse

from samtale.org.models import Person


@pytest.mark.parametrize("language", ["nb", "nn"])
def test_a_required_select_starts_with_a_prompt_in_norwegian(client_for, people, language):
    Person.objects.filter(pk=people.leader.pk).update(language=language)
    body = client_for("leader").get(reverse("conversation_create")).content.decode()
    blank = re.findall(r'<option value=""[^>]*>([^<]*)</option>', body)
    assert blank, "the planning form has required selects with a blank first option"
    assert all(text and "Select an option" not in text for text in blank), blank
