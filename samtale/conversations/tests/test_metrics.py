"""Autosaves counted for /metrics (conversations.metrics), by how they were answered."""

from django.urls import reverse

from samtale.conversations.metrics import AUTOSAVES

JSON = {"Accept": "application/json"}


def counted(result: str) -> float:
    return AUTOSAVES.labels(result)._value.get()


def test_it_counts_each_autosave_by_its_result(client_for, conversation):
    client = client_for("employee")
    url = reverse("note_save", args=[conversation.pk, "motivasjon"])
    before = {result: counted(result) for result in ("saved", "conflict")}
    assert client.post(url, {"text": "Første", "version": 0}, headers=JSON).status_code == 200
    # Written on an old version: changed elsewhere meanwhile.
    assert client.post(url, {"text": "Andre", "version": 0}, headers=JSON).status_code == 409
    assert counted("saved") - before["saved"] == 1
    assert counted("conflict") - before["conflict"] == 1
