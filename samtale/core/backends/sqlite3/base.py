from django.db.backends.sqlite3 import base

from samtale.core.backends.sqlite3.schema import DatabaseSchemaEditor
from samtale.core.tenancy.connections import TenantGuard


class DatabaseWrapper(TenantGuard, base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
