"""A household's status, derived from facts (equipped_on, a pending invitation, current_expires_on): one set of
rules, as an annotation, as a filter condition and on facts already read. No model import, so that the models'
QuerySet (with_status) can use it."""

import datetime

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from beneficiaries import hooks
from beneficiaries.enums import HouseholdStatus


def household_invited_condition() -> Q | None:
    """A condition (on Household) meaning « invited to an event, not yet equipped »: it has a pending invitation
    (beneficiaries.hooks; None when no app registered invitations)."""
    pending = hooks.pending_invitations()
    if pending is None:
        return None
    return Q(Exists(pending.filter(household=OuterRef("pk"))))


def household_status_annotations(today: datetime.date | None = None) -> dict:
    """Annotation `status` (a HouseholdStatus value), from equipped_on, a pending invitation and current_expires_on.

    Order matters: equipped wins over invited, invited over eligible, eligible over expired.
    (`current_expires_on`, the latest certification's expiry, is a column kept by the database.)
    """
    today = today or timezone.localdate()
    whens = [When(equipped_on__isnull=False, then=Value(HouseholdStatus.EQUIPPED))]
    invited = household_invited_condition()
    if invited is not None:
        whens.append(When(invited, then=Value(HouseholdStatus.INVITED)))
    whens += [
        When(current_expires_on__gt=today, then=Value(HouseholdStatus.ELIGIBLE)),
        When(current_expires_on__isnull=False, then=Value(HouseholdStatus.EXPIRED)),
    ]
    return {"status": Case(*whens, default=Value(HouseholdStatus.REGISTERED), output_field=CharField())}


def household_status_condition(status: str, today: datetime.date | None = None) -> Q:
    """A condition on Household meaning « has this status »: the same rules as household_status_annotations.

    Filtering on the annotation computes the CASE for every household before any index can help; this condition
    is plain columns (equipped_on, current_expires_on, indexed) and one EXISTS on the pending invitations.
    """
    today = today or timezone.localdate()
    if status == HouseholdStatus.EQUIPPED:
        return Q(equipped_on__isnull=False)
    condition = Q(equipped_on__isnull=True)
    invited = household_invited_condition()
    if status == HouseholdStatus.INVITED:
        return condition & invited if invited is not None else Q(pk__in=[])
    if invited is not None:
        condition &= ~invited
    if status == HouseholdStatus.ELIGIBLE:
        return condition & Q(current_expires_on__gt=today)
    if status == HouseholdStatus.EXPIRED:
        return condition & Q(current_expires_on__lte=today)
    if status == HouseholdStatus.REGISTERED:
        return condition & Q(current_expires_on__isnull=True)
    raise ValueError(f"Statut inconnu : {status!r}")


def household_status_of(
    *, equipped_on: datetime.date | None, invited: bool, current_expires_on: datetime.date | None, today: datetime.date
) -> HouseholdStatus:
    """The rules of household_status_annotations applied to facts already read (the list's rows), in the same order."""
    if equipped_on is not None:
        return HouseholdStatus.EQUIPPED
    if invited:
        return HouseholdStatus.INVITED
    if current_expires_on is None:
        return HouseholdStatus.REGISTERED
    return HouseholdStatus.ELIGIBLE if current_expires_on > today else HouseholdStatus.EXPIRED


def households_invited(household_ids) -> set[int]:
    """Among these households, those invited to an event and not yet equipped (see household_invited_condition)."""
    pending = hooks.pending_invitations()
    if pending is None:
        return set()
    pending = pending.filter(household_id__in=list(household_ids))
    return set(pending.order_by().values_list("household_id", flat=True))
