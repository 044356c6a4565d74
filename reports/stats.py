"""Counting reads about households for the reports (dashboard, bilan, public page); never a list of people.

« Équipé en YYYY » (households_equipped): a household is counted in year Y when a pack was handed to it on a day of
Y — its handover at a distribution event dated in Y (invitation « équipement remis »), or, for a handover recorded
without an event, its `equipped_on` day in Y. A household counts once per year, even with two packs that year; one
equipped in 2025 and again in 2028 (override) counts in both years.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from beneficiaries.enums import EligibilityCriterion
from beneficiaries.models import Certification, Household
from distributions.events.enums import InvitationStatus
from distributions.events.models import Invitation


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def households_equipped_in(year: int, structure_id: int | None = None) -> QuerySet[Household]:
    """Households handed a pack during `year` (see the module docstring), of one structure when given."""
    start, end = _year_bounds(year)
    handed_over = Invitation.objects.filter(
        household=OuterRef("pk"),
        status=InvitationStatus.HANDED_OVER,
        event__date__gte=start,
        event__date__lt=end,
    )
    households = Household.objects.filter(Q(equipped_on__gte=start, equipped_on__lt=end) | Q(Exists(handed_over)))
    if structure_id is not None:
        households = households.filter(structure_id=structure_id)
    return households


def households_equipped_count(year: int, structure_id: int | None = None) -> int:
    return households_equipped_in(year, structure_id).count()


def equipped_by_commune(year: int, structure_id: int | None = None) -> list[tuple[int, str, int]]:
    """(commune id, commune name, households) for every commune with at least one household equipped that year."""
    rows = (
        households_equipped_in(year, structure_id)
        .values("commune_id", "commune__name")
        .annotate(n=Count("id"))
        .order_by("commune__name")
    )
    return [(row["commune_id"], row["commune__name"], row["n"]) for row in rows]


def equipped_by_structure(year: int, structure_id: int | None = None) -> list[tuple[int, str, int]]:
    """(structure id, structure name, households) for every structure with a household equipped that year."""
    rows = (
        households_equipped_in(year, structure_id)
        .values("structure_id", "structure__name")
        .annotate(n=Count("id"))
        .order_by("structure__name")
    )
    return [(row["structure_id"], row["structure__name"], row["n"]) for row in rows]


def equipped_criteria(year: int, structure_id: int | None = None) -> dict[str, int]:
    """How many households equipped that year hold each criterion, on their latest certification made by the end
    of the year (one household counts once per criterion; a household usually holds several)."""
    _start, end = _year_bounds(year)
    latest = Certification.objects.filter(household=OuterRef("pk"), certified_on__lt=end).order_by(
        "-certified_on", "-id"
    )
    certification_ids = households_equipped_in(year, structure_id).annotate(
        certification_id=Subquery(latest.values("pk")[:1])
    )
    counts = Certification.objects.filter(pk__in=certification_ids.values("certification_id")).aggregate(
        **{criterion.value: Count("pk", filter=Q(**{criterion.value: True})) for criterion in EligibilityCriterion}
    )
    return {criterion.value: counts[criterion.value] for criterion in EligibilityCriterion}
