#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from core.db_errors import database_unreachable, database_unreachable_message

    try:
        execute_from_command_line(sys.argv)
    except Exception as error:
        # A lost database is an operating condition, not a bug: one French line and a non-zero exit, no traceback
        # (--traceback still shows it).
        if not database_unreachable(error) or "--traceback" in sys.argv:
            raise
        sys.stdout.flush()
        print(database_unreachable_message(), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
