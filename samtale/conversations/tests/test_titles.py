"""A conversation's pages are titled for whose conversation it is, seen from the reader: the
browser's tab, its history and a screen reader's first words name the other party."""

import re

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("conversation_detail", "Samtale med"),
        ("preparation", "Forbered deg – Samtale med"),
        ("meeting", "Møtet – Samtale med"),
        ("summary", "Oppsummering – Samtale med"),
    ],
)
def test_each_page_names_the_other_party_in_its_title(
    client_for, people, conversation, name, first
):
    for reader, other in (("employee", people.leader), ("leader", people.employee)):
        body = client_for(reader).get(reverse(name, args=[conversation.pk])).content.decode()
        title = re.search(r"<title>(.*?)</title>", body, re.S)[1]
        assert title == f"{first} {other.full_name} – Samtale", (reader, title)
