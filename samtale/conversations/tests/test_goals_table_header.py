"""The goals table's last column holds the Remove buttons; its hidden header says so."""

import re

from django.urls import reverse


def test_the_hidden_header_of_the_remove_column_reads_remove_not_change(client_for, conversation):
    response = client_for("leader").post(
        reverse("goal_add", args=[conversation.pk]),
        {"text": "Bli trygg i fagsystemet", "action_text": "Kurs", "responsible": "employee"},
        headers={"HX-Request": "true"},
    )
    head = re.search(r"<thead>.*?</thead>", response.content.decode(), re.S).group(0)
    assert '<th scope="col"><span class="ds-sr-only">Fjern</span></th>' in head
    assert "Bytt" not in head
