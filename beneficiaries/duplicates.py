"""What the duplicate warning of a registration or an edit may say, and the trace it leaves.

The warning is the point: a household followed by another structure should not get a second pack by being
registered twice. But it answers « is this person, or anyone at this address, followed by a structure, and which
one? » to anyone who types a name, a birth date or an address. So each match shown is written to the access log
(who, when, which household; never what was typed), and one person is told the structure of at most
FILIERE["DUPLICATE_MATCHES_PER_DAY"] households of other structures a day: past that, the warning says « another
structure » only, and the access log marks those matches apart (coordination reads it in the admin). Households the
person may open anyway (their own structure's; all of them for coordination) are named, linked, and not counted.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from beneficiaries.access_log import access_log_record
from beneficiaries.enums import AccessAction
from beneficiaries.models import Household, HouseholdAccessLog
from beneficiaries.selectors import SimilarHousehold
from core.locks import transaction_lock

MATCH_ACTIONS = (AccessAction.DUPLICATE_MATCH, AccessAction.DUPLICATE_WITHHELD)


@dataclass(frozen=True)
class DuplicateLine:
    """One line of the warning: its text, and the household's page when the person may open it."""

    text: str
    url: str | None = None


def _start_of_day() -> datetime.datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))


def matches_elsewhere_today(user: User) -> int:
    """How many households of structures other than the user's the duplicate warning showed them today."""
    rows = HouseholdAccessLog.objects.filter(user=user, action__in=MATCH_ACTIONS, at__gte=_start_of_day())
    return rows.exclude(household__structure_id=user.organisation_id).count()


@transaction.atomic
def duplicate_warning(*, user: User, similar: list[SimilarHousehold]) -> list[DuplicateLine]:
    """The warning's lines for these matches, each written to the access log (called when the warning is shown).

    One person's warnings take their turn (a lock until the transaction ends, core.locks): two probes sent at once
    would otherwise both read the same day's count and together name more households than the limit."""
    if similar:
        transaction_lock("duplicate-matches", str(user.pk))
    visible = set(Household.objects.for_user(user).filter(pk__in=[m.pk for m in similar]).values_list("pk", flat=True))
    allowance = settings.FILIERE["DUPLICATE_MATCHES_PER_DAY"] - matches_elsewhere_today(user)
    lines = []
    for match in similar:
        registered = f"inscrit le {match.registered_on:%d/%m/%Y}"
        if match.pk in visible:
            where = "dans votre structure" if match.structure_id == user.organisation_id else match.structure_name
            text = f"un foyer similaire existe déjà ({where}, {registered})"
            lines.append(DuplicateLine(text=text, url=Household(pk=match.pk).get_absolute_url()))
            action = AccessAction.DUPLICATE_MATCH
        elif allowance > 0:
            allowance -= 1
            lines.append(DuplicateLine(text=f"un foyer similaire existe déjà ({match.structure_name}, {registered})"))
            action = AccessAction.DUPLICATE_MATCH
        else:
            lines.append(
                DuplicateLine(
                    text="un foyer similaire existe déjà dans une autre structure (la structure n'est plus nommée : "
                    "vous avez atteint la limite de vérifications du jour, la coordination en est informée)"
                )
            )
            action = AccessAction.DUPLICATE_WITHHELD
        access_log_record(user=user, action=action, household=Household(pk=match.pk))
    return lines
