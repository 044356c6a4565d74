"""Reads of reports from a PostgreSQL streaming replica, when one is configured (DATABASE_REPLICA_URL).

Only code that asks for it reads the replica: `Item.objects.using(reporting_database())` or the `reporting`
context (`with reporting(): ...` sends every read of its block there). Everything else, and every write, goes to
the primary: a replica lags a little, and a person must see what they just saved.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reporting = contextvars.ContextVar("filiere_reporting", default=False)


def reporting_database() -> str:
    """The alias reports read from: the replica when configured, else the primary."""
    return REPLICA if REPLICA in settings.DATABASES else "default"


@contextmanager
def reporting():
    """Within this block, reads go to the replica (when there is one)."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reporting.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
