"""A release of one new column, for `make bench-migrate` only (bench/migrate.py): its one
migration adds a nullable column to org_person, as a real release's expand step would. It is
in INSTALLED_APPS only under bench/migrate_settings.py with BENCH_MIGRATE_COLUMN=1."""
