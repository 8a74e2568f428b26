"""The tasks backend of the Celery engine (SAMTALE_WORK_ENGINE=celery): django-tasks-db's,
whose row in the tenant's table is the outbox, with each row relayed to the broker when its
transaction commits (work.engine.relay). The database worker can still run its rows: the
claim is the same."""

from typing import Any

from django_tasks_db.backend import DatabaseBackend, TaskResult

from samtale.work.engine import relay


class RelayedBackend(DatabaseBackend):
    def enqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        result: TaskResult[Any, Any] = super().enqueue(task, args, kwargs)
        relay.after_commit(result.db_result)
        return result

    async def aenqueue(self, task: Any, args: Any, kwargs: Any) -> TaskResult[Any, Any]:
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.enqueue)(task, args, kwargs)
