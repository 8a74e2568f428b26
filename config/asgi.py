import os

from django.core.asgi import get_asgi_application

from samtale.core.checks import refuse_settings_problems

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()
# An ASGI server runs no system checks: settings that make no sense stop it here, as
# `manage.py check` would, naming every problem (samtale.core.checks.settings_check).
refuse_settings_problems()
