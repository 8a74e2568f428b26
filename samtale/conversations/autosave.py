"""The answer to an autosave: JSON for our autosave script, with a conflict
or a text too long said so it can act on it; a message and a redirect for a plain post."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samtale.conversations.errors import TextTooLong
from samtale.conversations.metrics import autosave_counted
from samtale.core.concurrency import EditConflict
from samtale.core.errors import DomainError
from samtale.core.http import wants_json


def autosave_response(request, *, saved, error: DomainError | None, fallback: str, swap=None):
    """JSON for our autosave script; a message and a redirect for a plain form post.

    `swap`, called once the text is saved: {element id: HTML} of other parts of the page the
    save changed (the preparation's index), which the script puts in place."""
    autosave_counted(error)
    if wants_json(request):
        if isinstance(error, EditConflict):
            return JsonResponse(
                {
                    "conflict": True,
                    "message": error.message,
                    "theirs": error.theirs,
                    "version": error.version,
                },
                status=409,
            )
        if isinstance(error, TextTooLong):
            # Said with the limit, and answered as JSON: the script shows it beside the text,
            # keeps the text and waits for it to change, instead of retrying as if offline.
            return JsonResponse(
                {
                    "error": "too_large",
                    "limit": error.limit,
                    "length": error.length,
                    "message": " ".join(
                        [error.message, _("The text stays here and is saved once it is shorter.")]
                    ),
                },
                status=413,
            )
        if error is not None:
            return JsonResponse({"error": error.message}, status=400)
        now = formats.time_format(timezone.localtime(), "TIME_FORMAT")
        answer = {"version": saved, "message": _("Saved %(time)s") % {"time": now}}
        if swap is not None:
            answer["swap"] = swap()
        return JsonResponse(answer)
    if isinstance(error, EditConflict):
        messages.error(
            request,
            _(
                "Not saved: the text was changed elsewhere while you wrote. The saved text is shown; "
                "your own text was: %(text)s"
            )
            % {"text": request.POST.get("text", "")},
        )
    elif error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect(fallback)
