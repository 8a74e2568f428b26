from django.db.backends.postgresql import base

from samtale.tenancy.backends.postgresql.schema import DatabaseSchemaEditor
from samtale.tenancy.connections import TenantGuard


class DatabaseWrapper(TenantGuard, base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
