"""Production settings for `make bench-migrate` (bench/migrate.py): with
BENCH_MIGRATE_COLUMN=1, one more app whose migration adds a column to every tenant."""

import os

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

if os.environ.get("BENCH_MIGRATE_COLUMN") == "1":
    INSTALLED_APPS = [*INSTALLED_APPS, "bench.column"]
