"""Samtale's settings, read from the environment, one module per concern.

The defaults suit a laptop (`make run` sets DEBUG=true). Without DEBUG the app is in
production mode. A value that makes no sense is not an exception as it is read: each is
noted in SETTINGS_PROBLEMS, and `manage.py check` (and everything that runs the system
checks: migrate, the worker, the scheduler, runserver) names them all at once; the web
entry points (config/wsgi.py, asgi.py) refuse to serve with any. Only a SECRET_KEY anyone
could know stops the reading itself, in every process.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.archive import *  # noqa: F403
from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR, DEBUG, SECRET_KEY, secret_key_real
from config.settings.calendars import *  # noqa: F403
from config.settings.conversations import *  # noqa: F403
from config.settings.env import PROBLEMS as SETTINGS_PROBLEMS
from config.settings.operations import *  # noqa: F403
from config.settings.retention import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.signin import *  # noqa: F403
from config.settings.tenants import *  # noqa: F403

# A process that signed sessions, password-reset links and tokens with a key anyone can know
# would let anyone forge them, and not every process runs the system checks (a shell, a
# command run with --skip-checks): so this one is refused here, naming the others too.
if not DEBUG and not secret_key_real(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(DEBUG is off). Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        # In a checkout (an image has no .git): most likely a laptop's command, run bare.
        + (
            '\nOn a laptop, in a checkout: make manage ARGS="…" runs a command the way make '
            "run does, with DEBUG=true and its settings (docs/running/laptop.md)."
            if (BASE_DIR / ".git").exists()
            else ""
        )
        + ("\nThe settings' other problems:" if SETTINGS_PROBLEMS else "")
        + "".join(f"\n({code}) {message}" for code, message, _hint in SETTINGS_PROBLEMS)
    )
