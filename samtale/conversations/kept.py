"""What a refused form carried, kept for the page it goes back to.

Without JavaScript, a form in a section of the conversation's pages (a goal, an action, a
goal's result) is posted to a view of its own, which answers a refusal with a redirect back
to the page it came from (the meeting, the summary, the preparation). What was typed and
chosen goes with it, in the session, and that page's next view takes it (once) to show the
form again as it was, with the errors at their fields. With htmx the refusal is answered in
place and nothing is kept.
"""

from django.http import HttpRequest

PREFIX = "kept-form:"


def form_keep(request: HttpRequest, key: str, data: dict) -> None:
    """Keep a refused form's data (its fields as posted) under `key` for the next page."""
    request.session[PREFIX + key] = data


def form_take(request: HttpRequest | None, key: str) -> dict | None:
    """The data kept under `key`, once: the form comes back as it was on this view only."""
    if request is None or not hasattr(request, "session"):
        return None
    return request.session.pop(PREFIX + key, None)


def posted(request: HttpRequest, names) -> dict:
    """The named fields as the form posted them (text as typed, nothing else kept)."""
    return {name: request.POST.get(name, "") for name in names}
