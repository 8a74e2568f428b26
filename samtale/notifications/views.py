"""The e-mails a laptop wrote instead of sending them: a list and one message at a time
(only under DEBUG, 404 otherwise, for everyone, and only for administrators); and the
webhook that mail to the calendar address is posted to (notifications.inbox).
"""

import hmac
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csp import get_nonce
from django.shortcuts import render
from django.utils.csp import CSP, build_policy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from samtale import tenancy
from samtale.core import access
from samtale.core.http import guarded
from samtale.core.paginator import Paginator
from samtale.notifications import devmail, inbox
from samtale.tenancy import tenant_settings

PAGE_SIZE = 50


def local_only(view):
    """Not found at all outside DEBUG: checked before the sign-in, so nobody is even sent
    to the login page for it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access.require_local_development()
        return view(request, *args, **kwargs)

    return wrapper


@local_only
@guarded(access.may_read_dev_mail)
@require_GET
def dev_mail_list(request):
    directory = tenancy.folder(settings.DEV_MAIL_DIR)
    page = Paginator(devmail.mail_names(directory), PAGE_SIZE).get_page(request.GET.get("side"))
    mails = [devmail.mail_summary(directory, name) for name in page.object_list]
    context = {"page": page, "mails": mails, "directory": directory}
    return render(request, "notifications/dev_mail_list.html", context)


# The HTML part is shown as a mail program shows it, in a frame without scripts (sandbox);
# the frame inherits this page's policy, so the e-mail's own inline styles are allowed here.
MAIL_HTML_CSP: dict[str, Any] = {
    **settings.SECURE_CSP,
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}


@local_only
@guarded(access.may_read_dev_mail)
@require_GET
def dev_mail_detail(request, name):
    mail = devmail.mail_read(tenancy.folder(settings.DEV_MAIL_DIR), name)
    if mail is None:
        raise Http404
    response = render(request, "notifications/dev_mail_detail.html", {"mail": mail})
    # Its own policy, written here: Django's CSP middleware leaves a policy a view wrote.
    response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(MAIL_HTML_CSP, get_nonce(request))
    return response


@csrf_exempt  # a mail server posts here, with the token: no browser, no session
@require_POST
def calendar_inbound(request):
    """One message to the calendar address, posted by a mail server as it arrives: the raw
    RFC 822 message as the body, with "Authorization: Bearer <token>"
    (SAMTALE_CALENDAR_WEBHOOK_TOKEN). Not found while no token is set; 401 without the
    right one (a browser session is no credential here), before anything else is done. A
    message read gets 204, whatever it held: the sender has nothing to post again, and
    learns nothing of what Samtale knows. One over a limit gets 413 and is set aside
    (notifications.inbox): over SAMTALE_CALENDAR_MAX_BYTES by its Content-Length before a
    byte of it is read, or by what was read, which stops at the limit + 1.
    """
    token = tenant_settings.SAMTALE_CALENDAR_WEBHOOK_TOKEN
    if not token:
        raise Http404
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="calendar"'
        return response
    limit = settings.SAMTALE_CALENDAR_MAX_BYTES
    size = _content_length(request)
    if size > limit:
        inbox.refuse_unread(size=size)
        return HttpResponse(status=413)
    taken = inbox.receive_posted(_read_at_most(request, limit + 1))
    return HttpResponse(status=204 if taken else 413)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _read_at_most(request, size: int) -> bytes:
    """The body, but never more than `size` bytes of it, whatever its length said (a
    chunked one has none)."""
    chunks = []
    while size > 0 and (chunk := request.read(size)):
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
