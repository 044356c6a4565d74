"""Telling a lost database (server down, restarting, connection cut) from other database errors, so that pages,
commands and the task worker can say it in French instead of showing a traceback."""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

# SQLSTATE classes of a lost server: connection exceptions (08…) and operator intervention (57P01 admin shutdown,
# 57P02 crash shutdown, 57P03 cannot connect now — the server is starting or recovering).
LOST_SQLSTATES = ("08", "57P")


def _sqlstate(error: BaseException) -> str | None:
    cause = error.__cause__ or error
    return getattr(cause, "sqlstate", None)


def database_unreachable(error: BaseException | None) -> bool:
    """True when `error`, or an error that led to it, means the database could not be reached or dropped the
    connection: nothing of the current transaction was saved, and retrying later is the answer."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, InterfaceError):
            return True
        if isinstance(error, OperationalError):
            state = _sqlstate(error)
            # No SQLSTATE: the driver itself failed to talk to the server (refused, reset, closed).
            return state is None or state.startswith(LOST_SQLSTATES)
        error = error.__cause__ or error.__context__
    return False


def database_unreachable_message(using: str = "default") -> str:
    """One French line for commands: which database, what happened to the work, what to do."""
    where = ""
    database = settings.DATABASES.get(using, {})
    if database.get("NAME") and database.get("ENGINE", "").endswith("postgresql"):
        host, port = database.get("HOST") or "localhost", database.get("PORT") or 5432
        where = f" (base « {database['NAME']} » sur {host}:{port})"
    return (
        f"Erreur : la base de données ne répond pas{where} ; la commande s'est arrêtée et ce qu'elle était en train "
        "d'enregistrer ne l'a pas été (tout ou rien). Relancez-la quand la base répond."
    )


def until_database_answers[T](write: Callable[[], T], *, patience: float, what: str = "write") -> T:
    """Run `write`; while the database is unreachable, try again with growing pauses (0.5 s, 1 s, 2 s… up to 10 s)
    for up to `patience` seconds, on a new connection each time. Any other error, or the patience exhausted, is
    raised. For writes that must not be lost to a database restart (the end of a background job)."""
    deadline = time.monotonic() + patience
    pause = 0.5
    while True:
        try:
            return write()
        except (DatabaseError, InterfaceError) as error:
            if not database_unreachable(error) or time.monotonic() + pause > deadline:
                raise
            logger.warning("Database unreachable (%s); %s tried again in %.1f s", str(error).strip(), what, pause)
            connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 10)
