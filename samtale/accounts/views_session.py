"""The session's clock for the page's warning (static/js/session.js)."""

import time

from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from samtale.accounts.services_session import session_renew, session_time


@require_http_methods(["GET", "POST"])
def session_status(request):
    """How long this session has left; a POST ("Continue" in the warning) starts the idle
    clock again. A GET is not activity (SessionLimitMiddleware): the page may ask as often as
    it likes without keeping an idle session alive. Signed out, it says so: nothing to hide.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0, "renewable": False})
    now = int(time.time())
    if request.method == "POST":
        left = session_renew(request.session, now=now)
    else:
        left = session_time(request.session, now=now)
    return JsonResponse(
        {"signed_in": True, "seconds_left": left.seconds_left, "renewable": left.renewable}
    )
