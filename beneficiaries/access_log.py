"""The access log of households' personal data: one row per page or export that shows or changes it.

Written by the pages (beneficiaries.views, the admin's household pages), never by signals: a row says that a
person saw or changed the data, which only the page knows. Rows hold ids only — no name, no criterion.
List pages write one « list » row without household ids (which households a page showed depends on filters and
pages; logging them all would copy the list itself into the log).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from beneficiaries.dates import add_months
from beneficiaries.enums import AccessAction
from beneficiaries.models import Household, HouseholdAccessLog


def access_log_record(*, user: User | None, action: AccessAction, household: Household | None = None) -> None:
    """Note that `user` (None: an automatic operation) did `action` on `household` (None for a list)."""
    HouseholdAccessLog.objects.create(
        user=user,
        structure_id=user.organisation_id if user is not None else None,
        action=action,
        household=household,
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
