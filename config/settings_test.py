"""Test settings: production settings with a test secret, fast hashing and local mail."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
os.environ.setdefault("SITE_URL", "http://testserver")
# Production requires a second factor of HR and administrators; most tests sign them in
# with force_login and are about something else. samtale/accounts/tests/test_mfa.py turns
# it on, and asserts that production has it on.
os.environ.setdefault("SAMTALE_REQUIRE_MFA", "false")
os.environ.setdefault("SAMTALE_DEMO_TOOLS", "true")  # the people the tests stand on
# No worker or scheduler runs beside the tests, and a heartbeat written by whichever request
# comes first would add a query to counted pages: samtale/core/tests/test_health.py turns
# both on.
os.environ.setdefault("SAMTALE_READY_REQUIRES", "none")
os.environ.setdefault("SAMTALE_HEARTBEAT_SECONDS", "0")
# The demo's fictional organization number: without one no package is made (the tests of
# that set it empty).
os.environ.setdefault("SAMTALE_ORGANIZATION_NUMBER", "315987652")
# The tests' mail and identity servers run on loopback: allowed as an operator allows their
# own (samtale/operators/tests/test_outbound.py refuses them without it).
os.environ.setdefault("SAMTALE_OUTBOUND_ALLOWED_NETWORKS", "127.0.0.0/8,::1")

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

# Argon2 is deliberately slow; tests hash hundreds of passwords. Production
# hashing is asserted in samtale/accounts/tests/test_settings.py.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# The database transport, drained in-process: each task's row inserted, then run as a worker
# runs it, in the tenant it names (testkit.drain).
TASKS = {"default": {"BACKEND": "testkit.drain.DrainedBackend", "QUEUES": ["default"]}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
