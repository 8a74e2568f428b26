from django.db.backends.postgresql import base

from samtale.core.backends.postgresql.schema import DatabaseSchemaEditor
from samtale.core.tenancy.connections import TenantGuard


class DatabaseWrapper(TenantGuard, base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
