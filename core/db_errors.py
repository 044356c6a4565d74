"""Telling a lost database (server down, restarting, connection cut) from other database errors, so that pages,
commands and the task worker can say it in French instead of showing a traceback."""

from django.conf import settings
from django.db import InterfaceError, OperationalError

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
