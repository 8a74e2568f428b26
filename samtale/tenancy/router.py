"""Where each model lives: the register (tenancy.models), the operators' records
(samtale.operators) and what the installation keeps of its own processes (their heartbeats,
each tenant's health as last checked) in the control database; every other model in the tenant's, the alias "default", which is the tenant's own
while one is active. Migrations follow: nothing of the control database is made in a
tenant's, nor a tenant's tables in the control database."""

from typing import Any

CONTROL = "control"

CONTROL_APPS = frozenset({"tenancy", "tenants"})
# Models of other apps kept in the control database ("app_label.model_name").
CONTROL_MODELS = frozenset({"core.processbeat", "core.tenanthealth"})


def in_control(app_label: str, model_name: str | None = None) -> bool:
    return app_label in CONTROL_APPS or f"{app_label}.{model_name}" in CONTROL_MODELS


class TenantRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return CONTROL if in_control(model._meta.app_label, model._meta.model_name) else None

    db_for_write = db_for_read

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool | None:
        return in_control(first._meta.app_label, first._meta.model_name) == in_control(
            second._meta.app_label, second._meta.model_name
        )

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return (db == CONTROL) == in_control(app_label, model_name)
