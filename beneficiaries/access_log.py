"""The access log of households' personal data: one row per page or export that shows or changes it.

Displays are logged by the pages (beneficiaries.views, the admin's household pages), never by signals: a row says
that a person saw the data, which only the page knows. Changes are logged by the services that make them, inside
their transaction (access_log_record_change): the change and its row commit together, or neither does.
Rows hold ids only — no name, no criterion.
List pages write one « list » row without household ids (which households a page showed depends on filters and
pages; logging them all would copy the list itself into the log).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import User
from beneficiaries.enums import AccessAction
from beneficiaries.models import Household, HouseholdAccessLog
from core.dates import add_months

# Displays and exports: the data was read, nothing else was written with the row.
READ_ACTIONS = frozenset(
    {
        AccessAction.LIST,
        AccessAction.VIEW,
        AccessAction.EXPORT_JSON,
        AccessAction.EXPORT_PDF,
        AccessAction.DUPLICATE_MATCH,
        AccessAction.DUPLICATE_WITHHELD,
    }
)
CHANGE_NOT_LOGGED = (
    "Le journal des accès n'a pas pu être écrit, alors rien n'a été enregistré : une modification d'un foyer "
    "n'existe qu'avec sa ligne de journal. Réessayez dans un instant ; si cela se reproduit, prévenez la coordination."
)


def access_log_record(*, user: User | None, action: AccessAction, household: Household | None = None) -> None:
    """Note that `user` (None: an automatic operation) did `action` on `household` (None for a list)."""
    row = HouseholdAccessLog(
        user=user,
        structure_id=user.organisation_id if user is not None else None,
        action=action,
        household=household,
    )
    if action in READ_ACTIONS and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _insert_without_waiting_for_the_disk(row)
    else:
        row.save()


def access_log_record_change(*, user: User | None, action: AccessAction, household: Household) -> None:
    """The row of a change (registration, edit, certification, override, anonymisation), written inside the
    change's own transaction (called from the service's atomic block) so that both commit or neither does. A row
    that cannot be written refuses the change with a French message (ValidationError): the service's transaction
    rolls back, nothing is saved."""
    try:
        access_log_record(user=user, action=action, household=household)
    except DatabaseError as error:
        raise ValidationError(CHANGE_NOT_LOGGED) from error


def _insert_without_waiting_for_the_disk(row: HouseholdAccessLog) -> None:
    """One INSERT, committed without waiting for its flush to disk (synchronous_commit off for this statement only).

    Every list and household page writes a row: waiting for the disk on each (0.5 to 4 ms on the bench machine)
    was the page's slowest statement. PostgreSQL still writes it within a fraction of a second (wal_writer_delay);
    only a crash of the database server in that moment could lose the row of a display — never data, and never
    the row of a change (those commit with the change, as usual). Outside a transaction only: set_config(…, true)
    lasts until the end of the current transaction, here this very statement.
    """
    values = [getattr(row, row._meta.get_field(name).attname) for name in _FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_WITHOUT_WAITING, values)


_FIELDS = ("at", "user", "structure", "action", "household")
_INSERT_WITHOUT_WAITING = (
    "WITH no_wait AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608 (names from the model)
    f"INSERT INTO {HouseholdAccessLog._meta.db_table} "
    f"({', '.join(HouseholdAccessLog._meta.get_field(name).column for name in _FIELDS)}) "
    f"SELECT {', '.join(['%s'] * len(_FIELDS))} FROM no_wait"
)


def access_log_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Rows written before this moment are past their retention (FILIERE["ACCESS_LOG_RETENTION_MONTHS"])."""
    now = timezone.localtime(now or timezone.now())
    months = settings.FILIERE["ACCESS_LOG_RETENTION_MONTHS"]
    day = add_months(now.date(), -months)
    return now.replace(year=day.year, month=day.month, day=day.day)


@transaction.atomic
def access_log_purge(*, dry_run: bool = False, now: datetime.datetime | None = None) -> int:
    """Delete the rows past their retention; return how many (or would be, with `dry_run`)."""
    expired = HouseholdAccessLog.objects.filter(at__lt=access_log_cutoff(now))
    if dry_run:
        return expired.count()
    deleted, _by_model = expired.delete()
    return deleted
