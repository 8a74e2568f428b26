"""The test suite's transport (config/settings_test.py): the database transport, drained
in-process. A task is enqueued as in production, its row inserted in the tenant's table
(django-tasks-db's backend), and run once its transaction commits, by the one runner
(work.engine.runner.run), outside the caller's tenant and in the one the row's work names,
activated from its name, as a worker would: so the suite exercises each task's own
activation, claim and record, not a call inside the caller.

A test's own transaction (pytest-django's, which never commits) counts as none: a row
enqueued in it alone runs at once; one enqueued in a transaction of the code's runs when that
commits, and never when it rolls back."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks_db.backend import DatabaseBackend, TaskResult

from samtale import tenancy
from samtale.work.engine import runner


class DrainedBackend(DatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        result: TaskResult[Any, Any] = super().enqueue(task, args, kwargs)
        row = result.db_result  # django-tasks-db sets it
        slug = tenancy.current().slug
        if _in_the_tests_transaction_only():
            run_as_a_worker(slug, row.pk)
            row.refresh_from_db()
            return row.task_result
        transaction.on_commit(lambda: run_as_a_worker(slug, row.pk))
        return result

    async def aenqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.enqueue)(task, args, kwargs)


def run_as_a_worker(slug: str, result_id: Any) -> bool:
    """The row run as a worker runs it: from outside any tenant, in the one named."""
    from testkit.core import outside_any_tenant

    with outside_any_tenant():
        return runner.run(slug, result_id)


def _in_the_tests_transaction_only() -> bool:
    connection = transaction.get_connection()
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def task_row(
    status: str = "READY",
    *,
    due: datetime,
    started: datetime | None = None,
    finished: datetime | None = None,
    workers: tuple[str, ...] = (),
    path: str = "samtale.work.tasks.ping",
) -> Any:
    """A row of the active tenant's task table as a transport would find it: `status`, due
    at `due`, taken at `started` by `workers` (the last one's host:pid), ended at
    `finished`."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=due,
        started_at=started,
        finished_at=finished,
        worker_ids=list(workers),
        exception_class_path="",
        traceback="",
    )
