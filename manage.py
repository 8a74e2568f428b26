#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Django's, with the tenant each command runs in activated (samtale.tenancy.commands).
    from samtale.tenancy.commands import execute_from_command_line

    execute_from_command_line(sys.argv)
