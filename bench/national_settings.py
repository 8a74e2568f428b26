"""Production settings for `make bench-national` (bench/national.py): the bare view to compare
against (bench/urls.py), bench/migrate.py's one new column (BENCH_MIGRATE_COLUMN=1), and
BENCH_KEPT to set SAMTALE_TENANT_CONNECTIONS_KEPT beyond what its setting allows (1,000: as
before that setting, a connection kept by each thread for every tenant it served)."""

import os

from bench.migrate_settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_KEPT"):
    SAMTALE_TENANT_CONNECTIONS_KEPT = int(os.environ["BENCH_KEPT"])
