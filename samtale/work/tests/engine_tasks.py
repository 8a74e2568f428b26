"""Tasks for the work engine's tests (test_engine.py): cheap, and saying what they saw."""

from django.tasks import task

from samtale import tenancy
from samtale.work.models import JobRun

# What ran, in this process (the tests' worker is a thread of it): (tenant, what).
RUNS: list[tuple[str, object]] = []


@task
def export_one(n: int | str) -> int | str:
    RUNS.append((tenancy.current().slug, n))
    return n


@task
def remind(key: str) -> str:
    RUNS.append((tenancy.current().slug, key))
    return key


@task
def rows_seen() -> list[str]:
    """The names of the job runs the tenant's database holds: what this task could see."""
    seen = sorted(JobRun.objects.filter(name__startswith="engine-").values_list("name", flat=True))
    RUNS.append((tenancy.current().slug, tuple(seen)))
    return seen


@task
def mark(name: str, seconds: float = 0.0) -> str:
    """Say in the marks file (SAMTALE_TEST_MARKS) that this process started the task, in
    which tenant, wait, and say it was done: what the fault tests count, across processes."""
    import json
    import os
    import time

    def said(what: str) -> None:
        mark = {"name": name, "pid": os.getpid(), "what": what, "tenant": tenancy.current().slug}
        with open(os.environ["SAMTALE_TEST_MARKS"], "a") as marks:
            marks.write(json.dumps(mark) + "\n")

    said("start")
    time.sleep(seconds)
    said("done")
    return name
