from django.apps import AppConfig


class WorkConfig(AppConfig):
    """How work runs apart from a request: the task engine and its two transports, and the
    periodic jobs (docs/developing/decision-work-engine.md)."""

    name = "samtale.work"
    label = "work"

    def ready(self) -> None:
        from samtale.work import (
            jobs,  # noqa: F401 - registers the worker's housekeeping
            metrics,  # noqa: F401 - registers the task queue's metrics
        )
