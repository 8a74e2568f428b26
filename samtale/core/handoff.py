"""Work a service hands to the background worker, by name, without importing the task.

A task's module imports the services it calls; were a service to import the task back to
enqueue it, the two would import each other. So the task says the name it takes work under
(`@receives(NAME)`, in the app's `jobs`/`tasks` module, loaded by the app's ready()), and
the service hands work to that name (`after_commit(NAME, …)`), the name defined beside the
service. A name no task has taken is a mistake in the code: it fails at once, not later in
a worker.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

_TASKS: dict[str, object] = {}  # name -> a django.tasks Task
T = TypeVar("T")


def receives(name: str) -> Callable[[T], T]:
    """Register the decorated task as the one that does the work handed over as `name`."""

    def register(task: T) -> T:
        if _TASKS.get(name, task) is not task:
            raise RuntimeError(f"two tasks take {name!r}")
        _TASKS[name] = task
        return task

    return register


def task_for(name: str) -> Any:
    try:
        return _TASKS[name]
    except KeyError:
        raise LookupError(f"no task takes {name!r}: is its app's jobs module loaded?") from None


def after_commit(name: str, *args: Any) -> None:
    """Enqueue the task that takes `name`, with `args`, once the transaction commits (at
    once outside one); looked up now, so a missing task fails in the caller."""
    task = task_for(name)
    transaction.on_commit(lambda: task.enqueue(*args))
