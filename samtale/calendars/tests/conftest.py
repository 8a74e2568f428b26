from samtale.calendars.tests.fixtures import (  # noqa: F401 (fixtures)
    _fresh_cache,
    radicale,
    radicale_server,
    served,
    silent,
)
