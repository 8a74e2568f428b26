"""`manage.py runserver` (what `make run` starts): Django's, with static files, whose start-up
checks that every migration is applied: in each tenant, since outside one no tenant's
database is reached (tenancy). Its requests activate their own tenant, by host name."""

from django.contrib.staticfiles.management.commands import runserver

from samtale import tenancy
from samtale.tenancy.commands import TenantAware


class Command(TenantAware, runserver.Command):
    def check_migrations(self) -> None:
        for tenant in tenancy.every_tenant():
            with tenancy.activated(tenant):
                super().check_migrations()
