"""Retention of households' personal data: households without contact for FILIERE["RETENTION_YEARS"] are anonymised.

« Contact » is `Household.last_activity_at`, moved by every service that deals with the household: registration,
edit, certification (beneficiaries.services), invitation and answer (distributions.events.services through
`households_record_contact`) and handover (`household_mark_equipped`). Looking at a page is not a contact.

Anonymising erases the identity (names, birth date, address, phone, e-mail, note), the eligibility criteria
(certifications deleted), the reasons written about the household (duplicate confirmations deleted, override
reasons replaced) and gives the household a random pseudonym (« Foyer #K7M2QX »). What the figures and the items'
traceability need stays: commune, structure, size, dates, invitations and handover, hence the pack and its items.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from beneficiaries.access_log import access_log_record_change
from beneficiaries.enums import AccessAction
from beneficiaries.models import Household
from core.dates import add_years

# No 0/O, 1/I: a pseudonym may be read out on the phone.
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PSEUDONYM_LENGTH = 6
ERASED_REASON = "(motif effacé à l'anonymisation du foyer)"


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Households whose last contact is before this moment are past retention.

    By calendar day: last contact on 14/03/2024 with 2 years of retention → anonymised from 14/03/2026 on.
    """
    today = timezone.localdate(now or timezone.now())
    limit_day = add_years(today, -settings.FILIERE["RETENTION_YEARS"]) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(limit_day, datetime.time.min))


def households_past_retention(now: datetime.datetime | None = None):
    return Household.objects.filter(anonymised_at__isnull=True, last_activity_at__lt=retention_cutoff(now))


def anonymisation_due_on(household: Household) -> datetime.date:
    """The first day the household is anonymised unless a new contact happens."""
    return add_years(timezone.localdate(household.last_activity_at), settings.FILIERE["RETENTION_YEARS"])


def _new_pseudonym() -> str:
    while True:
        pseudonym = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(PSEUDONYM_LENGTH))
        if not Household.objects.filter(pseudonym=pseudonym).exists():
            return pseudonym


@transaction.atomic
def household_anonymise(
    *, household: Household, now: datetime.datetime | None = None, on_request: bool = False
) -> bool:
    """Anonymise one household (all or nothing); False when it was already anonymised or had a contact since.

    `on_request`: the person asked for erasure (RGPD art. 17): anonymised now, whatever the last contact.
    """
    now = now or timezone.now()
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.anonymised_at is not None:
        return False
    if not on_request and locked.last_activity_at >= retention_cutoff(now):
        return False
    locked.certifications.all().delete()
    locked.duplicate_confirmations.all().delete()
    locked.period_overrides.update(reason=ERASED_REASON)
    Household.objects.filter(pk=locked.pk).update(
        last_name="",
        first_name="",
        birth_date=None,
        address="",
        phone="",
        email="",
        note="",
        name_key="",
        address_key="",
        pseudonym=_new_pseudonym(),
        anonymised_at=now,
        version=F("version") + 1,
    )
    access_log_record_change(user=None, action=AccessAction.ANONYMISE, household=locked)
    return True


def households_anonymise(*, dry_run: bool = False, now: datetime.datetime | None = None) -> list[int]:
    """Anonymise every household past retention, one transaction each; the ids done (or due, with `dry_run`).

    Safe to run again: anonymised households are left alone.
    """
    due = list(households_past_retention(now).order_by("pk").values_list("pk", flat=True))
    if dry_run:
        return due
    return [pk for pk in due if household_anonymise(household=Household(pk=pk), now=now)]
