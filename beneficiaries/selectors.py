"""Reads about households: the list's rows, duplicates, the programme period (status rules: beneficiaries.status)."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Organisation
from beneficiaries.enums import HouseholdStatus
from beneficiaries.models import (
    Certification,
    Household,
    PeriodOverride,
    household_display_name,
    household_name_key,
)
from beneficiaries.status import household_status_of, households_invited
from core.dates import add_years
from core.text import compact_key
from territory.models import Commune


def household_status(household: Household, today: datetime.date | None = None) -> HouseholdStatus:
    """The status of one household (use the queryset's with_status() for lists)."""
    annotated = getattr(household, "status", None)
    if annotated is not None and today is None:
        return HouseholdStatus(annotated)
    return HouseholdStatus(Household.objects.with_status(today).values_list("status", flat=True).get(pk=household.pk))


# The cells of the household list, read as values from the household table alone (no model instances for 25 rows
# shown once, no join: the page already read the communes' and structures' names for its filters). No status
# annotation: its CASE and EXISTS would be compiled twice per page (count and rows) and computed in SQL; the status
# of the page's rows is worked out in household_list_rows, with one query for their pending invitations.
HOUSEHOLD_LIST_FIELDS = (
    "pk",
    "last_name",
    "first_name",
    "pseudonym",
    "anonymised_at",
    "birth_date",
    "commune_id",
    "structure_id",
    "equipped_on",
    "current_expires_on",
    "created_at",
)


def household_list_values(households):
    """The list's queryset as the few values its cells show, newest first (a unique order, for pagination)."""
    return households.order_by("-created_at", "-id").values(*HOUSEHOLD_LIST_FIELDS)


def household_list_rows(
    rows,
    *,
    commune_names: dict[int, str] | None = None,
    structure_names: dict[int, str] | None = None,
    today: datetime.date | None = None,
) -> list[dict]:
    """Each row's values with what the list shows beside them: the name to display, the status worked out for the
    page (one query for its pending invitations), the commune's and structure's names. Names missing from the dicts
    given are read (one query each, usually none); without `structure_names`, rows name no structure (a
    prescriber's list shows only theirs). The page formats them (beneficiaries.views)."""
    today = today or timezone.localdate()
    rows = list(rows)
    invited = households_invited(row["pk"] for row in rows if row["equipped_on"] is None) if rows else set()
    communes = _names(Commune.objects, commune_names, {row["commune_id"] for row in rows})
    structures = (
        _names(Organisation.objects, structure_names, {row["structure_id"] for row in rows})
        if structure_names is not None
        else {}
    )
    result = []
    for row in rows:
        status = household_status_of(
            equipped_on=row["equipped_on"],
            invited=row["pk"] in invited,
            current_expires_on=row["current_expires_on"],
            today=today,
        )
        name = household_display_name(
            last_name=row["last_name"],
            first_name=row["first_name"],
            pseudonym=row["pseudonym"],
            anonymised=row["anonymised_at"] is not None,
        )
        result.append(
            {
                **row,
                "name": name,
                "commune_name": communes[row["commune_id"]],
                "structure_name": structures.get(row["structure_id"], ""),
                "status": status,
            }
        )
    return result


def _names(manager, known: dict[int, str] | None, wanted: set[int]) -> dict[int, str]:
    known = known if known is not None else {}
    missing = wanted - known.keys()
    if not missing:
        return known
    return {**known, **dict(manager.filter(pk__in=missing).values_list("pk", "name"))}


def household_visible_or_404(user, pk, **annotations) -> Household:
    """The household as a page shows it (status, commune, structure), scoped first then looked up: another
    structure's household does not exist for this user (404)."""
    queryset = Household.objects.for_user(user).with_status().select_related("commune", "structure")
    return get_object_or_404(queryset.annotate(**annotations), pk=pk)


def household_current_certification(household: Household) -> Certification | None:
    return household.certifications.order_by("-certified_on", "-id").select_related("author", "structure").first()


def household_is_eligible(household: Household, on: datetime.date | None = None) -> bool:
    """Lives in the territory and holds a certification valid on that day."""
    on = on or timezone.localdate()
    return household.commune.is_active and household.certifications.valid_on(on).exists()


# --- Duplicates ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarHousehold:
    """What may be shown about a possible duplicate, whichever structure holds it."""

    pk: int
    structure_id: int
    structure_name: str
    registered_on: datetime.date

    def __str__(self):
        return f"un foyer similaire existe déjà ({self.structure_name}, inscrit le {self.registered_on:%d/%m/%Y})"


def household_similar(
    *,
    last_name: str,
    first_name: str,
    birth_date: datetime.date,
    address: str,
    commune: Commune,
    exclude_pk: int | None = None,
) -> list[SimilarHousehold]:
    """Households with the same normalised name and birth date, or the same normalised address in the commune."""
    condition = Q(name_key=household_name_key(last_name, first_name), birth_date=birth_date)
    address_key = compact_key(address)
    if address_key:
        condition |= Q(address_key=address_key, commune=commune)
    households = Household.objects.filter(condition).select_related("structure").order_by("created_at", "pk")
    if exclude_pk is not None:
        households = households.exclude(pk=exclude_pk)
    return [
        SimilarHousehold(
            pk=household.pk,
            structure_id=household.structure_id,
            structure_name=household.structure.name,
            registered_on=timezone.localdate(household.created_at),
        )
        for household in households
    ]


# --- Programme period ----------------------------------------------------------------------------------------


def household_last_equipped_on(household: Household) -> datetime.date | None:
    """The day the household last received a pack (set by distributions through household_mark_equipped)."""
    return household.equipped_on


def household_next_pack_allowed_on(household: Household) -> datetime.date | None:
    """First day the programme period allows another pack; None when nothing stands in the way."""
    last = household_last_equipped_on(household)
    if last is None:
        return None
    return add_years(last, settings.FILIERE["PROGRAMME_PERIOD_YEARS"])


def active_override_exists() -> Exists:
    """For annotations on Household: an override granted since the last pack and not used yet."""
    return Exists(
        PeriodOverride.objects.filter(
            household=OuterRef("pk"), granted_on__gte=OuterRef("equipped_on"), used_on__isnull=True
        )
    )


def household_active_override(household: Household) -> PeriodOverride | None:
    """The override granted since the last pack and not used yet (the pack it allows uses it up)."""
    last = household_last_equipped_on(household)
    if last is None:
        return None
    return household.period_overrides.filter(granted_on__gte=last, used_on__isnull=True).first()


def household_may_receive_pack(household: Household, on: datetime.date | None = None) -> bool:
    """The programme-period rule: one pack per period unless coordination recorded an override."""
    on = on or timezone.localdate()
    allowed_on = household_next_pack_allowed_on(household)
    if allowed_on is None or on >= allowed_on:
        return True
    return household_active_override(household) is not None


@dataclass(frozen=True)
class PackSituation:
    """What the household page says about the programme period (one read of the overrides at most)."""

    next_pack_allowed_on: datetime.date | None
    active_override: PeriodOverride | None
    may_receive_pack: bool


def household_pack_situation(household: Household, on: datetime.date | None = None) -> PackSituation:
    """household_next_pack_allowed_on, household_active_override and household_may_receive_pack together."""
    on = on or timezone.localdate()
    allowed_on = household_next_pack_allowed_on(household)
    override = household_active_override(household)
    may_receive = allowed_on is None or on >= allowed_on or override is not None
    return PackSituation(next_pack_allowed_on=allowed_on, active_override=override, may_receive_pack=may_receive)


def households_with_valid_certification(on: datetime.date | None = None):
    """Households certified and valid that day (a starting point for invitation lists)."""
    on = on or timezone.localdate()
    return Household.objects.filter(Exists(Certification.objects.valid_on(on).filter(household=OuterRef("pk"))))
