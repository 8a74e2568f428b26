"""HTTP for the readers: a timeout on every request, redirects followed by hand so that
none leads away from http(s), connections only to addresses outside Samtale's own network
(readers.guard), and errors as `Unreadable`. Every session's adapter, checked or not, reads
each answer within readers.limits (SAMTALE_BUSY_MAX_BYTES, SAMTALE_BUSY_MAX_EVENTS) and
lets the read's deadline close its connections, whoever sends the request: `fetch`, the
caldav library or msal."""

from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings

from samtale.calendars.readers import guard, limits
from samtale.calendars.readers.base import (
    AUTH,
    BAD_REDIRECT,
    HTTP,
    NOT_FOUND,
    TIMEOUT,
    UNREACHABLE,
    Unreadable,
)

MAX_REDIRECTS = 5
USER_AGENT = "Samtale (free/busy)"


def timeout() -> float:
    """Seconds a calendar server has to connect, and then between two parts of its answer."""
    return float(settings.SAMTALE_BUSY_TIMEOUT_SECONDS)


def verify() -> bool | str:
    """The certificate authorities to trust: the system's, or SAMTALE_BUSY_CA_BUNDLE."""
    return settings.SAMTALE_BUSY_CA_BUNDLE or True


class Session(requests.Session):
    """requests with the readers' timeout and certificate authorities on every request.

    Given per request, since requests lets REQUESTS_CA_BUNDLE in the environment override a
    session's own `verify`; msal gets one of these as its HTTP client."""

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", timeout())
        if kwargs.get("verify") is None:
            kwargs["verify"] = verify()
        return super().request(method, url, *args, **kwargs)


def session(*, checked: bool = True) -> Session:
    """A session for one read: proxies from the environment, the CA bundle, our name, the
    readers' limits, and (`checked`) connections only to addresses readers.guard allows.
    Unchecked only for the operator's own addresses (Microsoft Graph's, from the settings),
    which are held to the limits all the same."""
    s = Session()
    s.headers["User-Agent"] = USER_AGENT
    s.max_redirects = MAX_REDIRECTS
    adapter = guard.CheckedAdapter() if checked else limits.LimitedAdapter()
    s.mount("https://", adapter)
    s.mount("http://", adapter)
    return s


def check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise Unreadable(BAD_REDIRECT, urlsplit(url).scheme[:20])


def failure(error: Exception) -> Unreadable:
    """A requests error as the reason a calendar could not be read."""
    if isinstance(error, Unreadable):
        return error
    # A timeout while the body comes is a ConnectionError around urllib3's ReadTimeoutError.
    late = any(isinstance(arg, urllib3.exceptions.TimeoutError) for arg in error.args)
    if isinstance(error, requests.Timeout) or late:
        return Unreadable(TIMEOUT, type(error).__name__)
    if isinstance(error, requests.TooManyRedirects | requests.exceptions.InvalidSchema):
        return Unreadable(BAD_REDIRECT, type(error).__name__)
    return Unreadable(UNREACHABLE, type(error).__name__)


def status_failure(status: int) -> Unreadable | None:
    if status in (401, 403):
        return Unreadable(AUTH, str(status))
    if status in (404, 410):
        return Unreadable(NOT_FOUND, str(status))
    if status >= 400:
        return Unreadable(HTTP, str(status))
    return None


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: dict | None = None,
    json=None,
    data=None,
    http: Session | None = None,
    checked: bool = True,
) -> bytes:
    """The body of the answer to `url` (read within readers.limits by the session).

    Redirects (at most five) are followed only to http(s) addresses, each a new request
    that the session checks as the first (readers.guard); a POST is never redirected. A
    status of 400 or more is `Unreadable`. Without `http`, a session of its own
    (`checked`: see `session`), closed when done.
    """
    own = http is None
    http = http or session(checked=checked)
    check_scheme(url)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            response = http.request(
                method,
                url,
                headers=headers,
                json=json,
                data=data,
                timeout=timeout(),
                allow_redirects=False,
            )
            if response.is_redirect and method == "GET":
                url = urljoin(url, response.headers["Location"])
                check_scheme(url)
                continue
            if problem := status_failure(response.status_code):
                raise problem
            return response.content
    except (requests.RequestException, Unreadable) as error:
        raise failure(error) from None
    finally:
        if own:
            http.close()
    raise Unreadable(BAD_REDIRECT, "too many redirects")
