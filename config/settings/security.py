"""Security: HTTPS, cookies and the headers."""

from django.utils.csp import CSP

from config.settings.base import DEBUG
from config.settings.env import envbool, envint, envnetworks

# Security headers. Cookies are Secure and HTTPS is enforced outside DEBUG.
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer asks the health checks, and Prometheus /metrics, over plain HTTP, inside
# the TLS it terminates.
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$", r"^helse/$", r"^metrics$"]
BEHIND_TLS_PROXY = envbool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies (addresses or networks, e.g. 10.0.0.5,10.1.0.0/16) whose X-Forwarded-For is
# believed: behind them every request comes from the proxy, and the sign-in and reset limits
# per client would count the whole organization as one. From anyone else the header is ignored.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES")
# HTTP Strict Transport Security: how long browsers keep to HTTPS (2 years outside DEBUG).
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 63072000)
# Both reach beyond Samtale's own host name (every subdomain of the organization's domain,
# and browsers' built-in lists, which take months to leave): the organization opts in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Django's deployment checks recommend both; leaving them off is this decision, not an oversight.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts come from our own files, and one line inline in <head> (core/_assets.html: it
# must run before the first paint, and a file of its own was a request that held it up)
# carrying the request's nonce; a response that uses no nonce gets none in its header. The
# sign-in form posts to Samtale, which sends the browser on to the provider: each tenant's
# pages add its own providers' addresses to where a form may lead
# (samtale.accounts.middleware.ProviderFormActionMiddleware).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
