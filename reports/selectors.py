"""The programme's figures for one year, as the dashboard, its CSV files and the public page show them.

Equipment figures follow the bilan: items received that year, by current status, all from one GROUP BY. People
figures count households equipped that year (definition and its one query in reports.equipped)
and always pass through reports.disclosure.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections, router

from beneficiaries.enums import EligibilityCriterion
from equipment.enums import ItemCategory, ItemStatus, WeeeCategory
from equipment.models import Item
from reports.disclosure import (
    PeopleCount,
    PeopleTable,
    exact_count,
    exact_table,
    people_count,
    protect_partition,
    protect_shares,
)
from reports.equipped import Equipped, equipped_in
from reports.impact_factors import ImpactFactor, impact_factors

# --- Equipment (programme-wide) ----------------------------------------------------------------------------------

# The bilan's groups of current statuses.
PENDING_AUDIT = (ItemStatus.RECEIVED, ItemStatus.IN_AUDIT)
REFURBISHED_OR_LATER = (ItemStatus.REFURBISHED, ItemStatus.RESERVED, ItemStatus.DISTRIBUTED)


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


@dataclass(frozen=True)
class WeeeFigures:
    """Items received that year and recycled, by DEEE category: how many and their weight."""

    category: str
    label: str
    items: int
    weight_kg: Decimal


@dataclass(frozen=True)
class EquipmentFigures:
    """Every equipment figure of the page: the bilan (bilan_for_year's numbers, without the households), by
    category, and recycling by DEEE category."""

    bilan: dict
    by_category: list[CategoryFigures]
    weee: list[WeeeFigures]


# Items received in the year (Item.objects.received_in), counted by category, current status and DEEE category.
# Plain SQL: the ORM took longer to build this statement than PostgreSQL takes to run it.
ITEMS_SQL = """
SELECT category, status, weee_category, COUNT(*), SUM(weight_kg), COUNT(weight_kg)
FROM equipment_item
WHERE received_on >= %s AND received_on < %s
GROUP BY category, status, weee_category
"""
ITEMS_COLUMNS = ("category", "status", "weee_category", "n", "kg", "weighed")


def equipment_figures(year: int) -> EquipmentFigures:
    """The items received that year in one GROUP BY (category, status, DEEE category), then summed three ways."""
    connection = connections[router.db_for_read(Item)]  # the replica inside core.db.reporting(), when there is one
    with connection.cursor() as cursor:
        cursor.execute(ITEMS_SQL, [datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)])
        rows = [dict(zip(ITEMS_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    if connection.vendor != "postgresql":  # SQLite (make run) sums decimals as floats
        for row in rows:
            if row["kg"] is not None:
                row["kg"] = Decimal(str(row["kg"])).quantize(Decimal("0.01"))
    return EquipmentFigures(bilan=_bilan(year, rows), by_category=_by_category(rows), weee=_weee(rows))


def _bilan(year: int, rows: list[dict]) -> dict:
    """The bilan's equipment figures (bilan_for_year without households_equipped), from the GROUP BY's rows."""
    by_status: dict[str, int] = {}
    pending_by_category: dict[str, int] = {}
    for row in rows:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        if row["status"] in PENDING_AUDIT:
            pending_by_category[row["category"]] = pending_by_category.get(row["category"], 0) + row["n"]
    return {
        "year": year,
        "entrusted": sum(by_status.values()),
        "pending_audit": sum(by_status.get(status, 0) for status in PENDING_AUDIT),
        "pending_audit_by_category": {
            category: pending_by_category[category]
            for category in ItemCategory.values
            if category in pending_by_category
        },
        "refurbished": sum(by_status.get(status, 0) for status in REFURBISHED_OR_LATER),
        "recycled": by_status.get(ItemStatus.RECYCLED, 0),
        "distributed": by_status.get(ItemStatus.DISTRIBUTED, 0),
    }


def _by_category(rows: list[dict]) -> list[CategoryFigures]:
    """One row per category that received items that year, in the usual category order."""
    cells: dict[tuple[str, str], dict] = {}
    for row in rows:
        cell = cells.setdefault((row["category"], row["status"]), {"n": 0, "kg": None, "weighed": 0})
        cell["n"] += row["n"]
        cell["weighed"] += row["weighed"]
        if row["kg"] is not None:
            cell["kg"] = (cell["kg"] or Decimal("0")) + row["kg"]
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


def _weee(rows: list[dict]) -> list[WeeeFigures]:
    """Recycled items by DEEE category, in the DEEE categories' order."""
    by_code: dict[str, dict] = {}
    for row in rows:
        if row["status"] != ItemStatus.RECYCLED:
            continue
        cell = by_code.setdefault(row["weee_category"], {"n": 0, "kg": Decimal("0")})
        cell["n"] += row["n"]
        cell["kg"] += row["kg"] or Decimal("0")
    return [
        WeeeFigures(category.value, category.label, by_code[category]["n"], by_code[category]["kg"])
        for category in WeeeCategory
        if category in by_code
    ]


def figures_by_category(year: int) -> list[CategoryFigures]:
    return equipment_figures(year).by_category


def weee_by_category(year: int) -> list[WeeeFigures]:
    return equipment_figures(year).weee


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


# --- People (never a count below 5 outside the programme) --------------------------------------------------------


@dataclass(frozen=True)
class PeopleFigures:
    total: PeopleCount
    by_commune: PeopleTable
    by_structure: PeopleTable | None
    criteria: PeopleTable


def _criteria_cells(equipped: Equipped) -> list[tuple[str, str, int]]:
    return [(code.value, code.label, equipped.criteria[code.value]) for code in EligibilityCriterion]


def _criteria(equipped: Equipped) -> PeopleTable:
    return protect_shares(_criteria_cells(equipped), population=equipped.total)


def people_figures(
    year: int, structure_id: int | None = None, *, by_structure: bool | None = None, exact: bool = False
) -> PeopleFigures:
    """Every people figure of the dashboard from one query (reports.equipped), each through the small-count rule,
    or exact (`exact`: coordination's own page, never published).

    By structure: for the whole programme only, unless `by_structure` says otherwise."""
    equipped = equipped_in(year, structure_id)
    if by_structure is None:
        by_structure = structure_id is None
    if exact:
        return PeopleFigures(
            total=exact_count(equipped.total),
            by_commune=exact_table(equipped.by_commune, by_count=True),
            by_structure=exact_table(equipped.by_structure, by_count=True) if by_structure else None,
            criteria=exact_table(_criteria_cells(equipped), population=equipped.total),
        )
    return PeopleFigures(
        total=people_count(equipped.total),
        by_commune=protect_partition(equipped.by_commune, by_count=True),
        by_structure=protect_partition(equipped.by_structure, by_count=True) if by_structure else None,
        criteria=_criteria(equipped),
    )


def households_equipped(year: int, structure_id: int | None = None) -> int:
    """How many households were equipped that year (the raw count: publish it through people_count)."""
    return equipped_in(year, structure_id).total


def households_by_commune(year: int, structure_id: int | None = None, *, by_count: bool = False) -> PeopleTable:
    return protect_partition(equipped_in(year, structure_id).by_commune, by_count=by_count)


def households_by_structure(year: int, structure_id: int | None = None) -> PeopleTable:
    return protect_partition(equipped_in(year, structure_id).by_structure, by_count=True)


def criteria_mix(year: int, structure_id: int | None = None) -> PeopleTable:
    """Criteria of the households equipped that year; their number is the table's total."""
    return _criteria(equipped_in(year, structure_id))


# --- The bilan (the `bilan` command) -----------------------------------------------------------------------------


def bilan_for_year(year: int) -> dict:
    """The yearly bilan: items received that year by current status (entrusted, pending audit and by category,
    refurbished or later, recycled, distributed) and the households equipped during the year (docs/developing.md,
    « Les chiffres »). The dashboard's and the public page's figures are the same numbers."""
    return {**equipment_figures(year).bilan, "households_equipped": households_equipped(year)}
