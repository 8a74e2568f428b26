"""A pytest plugin for `make bench-national`'s fairness figure: times how long the work
engine's own fairness test (samtale/work/tests/test_engine.py: one tenant's 10,000 exports,
or reminders, enqueued, then another tenant's task of the same kind on the same queue) waits
for that task to finish.

    .venv/bin/python -m pytest -s -p bench.national_fairness \\
        "samtale/work/tests/test_engine.py::test_one_tenants_ten_thousand_tasks_hold_no_other_tenants_task_of_that_kind_back"

Prints `FAIRNESS <tenant> <seconds>` for each wait on a row to finish, the first the other tenant's.
"""

import time


def pytest_collection_modifyitems(items):
    from samtale.work.tests import test_engine

    original = test_engine.finished

    def timed(tenant, result_id, **options):
        started = time.perf_counter()
        row = original(tenant, result_id, **options)
        print(f"\nFAIRNESS {tenant.slug} {time.perf_counter() - started:.2f}", flush=True)
        return row

    test_engine.finished = timed
