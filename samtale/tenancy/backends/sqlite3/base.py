from django.db.backends.sqlite3 import base

from samtale.tenancy.backends.sqlite3.schema import DatabaseSchemaEditor
from samtale.tenancy.connections import TenantGuard


class DatabaseWrapper(TenantGuard, base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
