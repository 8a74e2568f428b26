"""Tasks for the work engine's tests (test_engine.py): cheap, and saying what they saw."""

from django.tasks import task

from samtale.core import tenancy
from samtale.core.models import JobRun

# What ran, in this process (the tests' worker is a thread of it): (tenant, what).
RUNS: list[tuple[str, object]] = []


@task
def export_one(n: int) -> int:
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
