"""The programme's figures for one year, as the dashboard, its CSV files and the public page show them.

Equipment figures follow the bilan: items received that year, by current status (equipment.selectors). People
figures count households equipped that year (beneficiaries.stats) and always pass through reports.disclosure.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from beneficiaries.enums import EligibilityCriterion
from beneficiaries.stats import (
    equipped_by_commune,
    equipped_by_structure,
    equipped_criteria,
    households_equipped_count,
)
from equipment.enums import ItemCategory, ItemStatus, WeeeCategory
from equipment.models import Item
from equipment.selectors import PENDING_AUDIT, REFURBISHED_OR_LATER
from reports.disclosure import PeopleCount, PeopleTable, people_count, protect_partition, protect_shares
from reports.impact_factors import ImpactFactor, impact_factors

# --- Equipment (programme-wide) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryFigures:
    """Items of one category received that year, by current status, and what was distributed of them."""

    category: str
    label: str
    entrusted: int
    pending_audit: int
    refurbished: int
    recycled: int
    distributed: int
    distributed_kg: Decimal
    distributed_unweighed: int


def figures_by_category(year: int) -> list[CategoryFigures]:
    """One row per category that received items that year, in the usual category order."""
    rows = (
        Item.objects.received_in(year)
        .values("category", "status")
        .annotate(n=Count("id"), kg=Sum("weight_kg"), weighed=Count("weight_kg"))
        .order_by()
    )
    cells: dict[tuple[str, str], dict] = {(row["category"], row["status"]): row for row in rows}
    figures = []
    for category in ItemCategory:

        def count(*statuses, category=category) -> int:
            return sum(cells.get((category.value, status), {}).get("n", 0) for status in statuses)

        entrusted = count(*ItemStatus.values)
        if not entrusted:
            continue
        distributed = cells.get((category.value, ItemStatus.DISTRIBUTED), {})
        figures.append(
            CategoryFigures(
                category=category.value,
                label=category.label,
                entrusted=entrusted,
                pending_audit=count(*PENDING_AUDIT),
                refurbished=count(*REFURBISHED_OR_LATER),
                recycled=count(ItemStatus.RECYCLED),
                distributed=distributed.get("n", 0),
                distributed_kg=distributed.get("kg") or Decimal("0"),
                distributed_unweighed=distributed.get("n", 0) - distributed.get("weighed", 0),
            )
        )
    return figures


@dataclass(frozen=True)
class WeeeFigures:
    """Items received that year and recycled, by DEEE category: how many and their weight."""

    category: str
    label: str
    items: int
    weight_kg: Decimal


def weee_by_category(year: int) -> list[WeeeFigures]:
    rows = (
        Item.objects.received_in(year)
        .filter(status=ItemStatus.RECYCLED)
        .values("weee_category")
        .annotate(n=Count("id"), kg=Sum("weight_kg"))
        .order_by()
    )
    by_code = {row["weee_category"]: row for row in rows}
    return [
        WeeeFigures(category.value, category.label, by_code[category]["n"], by_code[category]["kg"] or Decimal("0"))
        for category in WeeeCategory
        if category in by_code
    ]


@dataclass(frozen=True)
class ImpactLine:
    category: str
    label: str
    distributed: int
    factor: ImpactFactor | None
    kg_co2e: Decimal
    waste_kg: Decimal
    unweighed: int


@dataclass(frozen=True)
class Impact:
    lines: list[ImpactLine]
    kg_co2e: Decimal
    waste_kg: Decimal
    unweighed: int
    factors: dict[str, tuple[str, ImpactFactor]]

    @property
    def sources(self) -> list[ImpactFactor]:
        """One factor per distinct source, to cite each source once."""
        seen: dict[str, ImpactFactor] = {}
        for _label, factor in self.factors.values():
            seen.setdefault(factor.source, factor)
        return list(seen.values())


def impact_estimate(by_category: list[CategoryFigures]) -> Impact:
    """Greenhouse gases and waste avoided by the items distributed (method in reports.impact_factors)."""
    factors = impact_factors()
    lines = []
    for row in by_category:
        if not row.distributed:
            continue
        factor = factors.get(row.category)
        lines.append(
            ImpactLine(
                category=row.category,
                label=row.label,
                distributed=row.distributed,
                factor=factor,
                kg_co2e=(factor.kg_co2e * row.distributed) if factor else Decimal("0"),
                waste_kg=row.distributed_kg,
                unweighed=row.distributed_unweighed,
            )
        )
    return Impact(
        lines=lines,
        kg_co2e=sum((line.kg_co2e for line in lines), Decimal("0")),
        waste_kg=sum((line.waste_kg for line in lines), Decimal("0")),
        unweighed=sum(line.unweighed for line in lines),
        factors={code: (ItemCategory(code).label, factor) for code, factor in factors.items()},
    )


# --- People (never a count below 5) ------------------------------------------------------------------------------


def households_by_commune(year: int, structure_id: int | None = None, *, by_count: bool = False) -> PeopleTable:
    return protect_partition(equipped_by_commune(year, structure_id), by_count=by_count)


def households_by_structure(year: int, structure_id: int | None = None) -> PeopleTable:
    return protect_partition(equipped_by_structure(year, structure_id), by_count=True)


def criteria_mix(year: int, structure_id: int | None = None, *, population: int | None = None) -> PeopleTable:
    """Criteria of the households equipped that year; their number (`population`) is the table's total."""
    if population is None:
        population = households_equipped_count(year, structure_id)
    counts = equipped_criteria(year, structure_id)
    cells = [(criterion.value, criterion.label, counts[criterion.value]) for criterion in EligibilityCriterion]
    return protect_shares(cells, population=population)


@dataclass(frozen=True)
class PeopleFigures:
    total: PeopleCount
    by_commune: PeopleTable
    by_structure: PeopleTable | None
    criteria: PeopleTable


def people_figures(year: int, structure_id: int | None = None) -> PeopleFigures:
    """Every people figure of the dashboard, in three queries; by structure only for the whole programme."""
    commune_cells = equipped_by_commune(year, structure_id)
    population = sum(count for _key, _label, count in commune_cells)
    return PeopleFigures(
        total=people_count(population),
        by_commune=protect_partition(commune_cells, by_count=True),
        by_structure=households_by_structure(year) if structure_id is None else None,
        criteria=criteria_mix(year, structure_id, population=population),
    )
