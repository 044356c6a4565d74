"""The dashboard's figures as CSV tables: one per figure, from the same selectors as the page.

People figures come out already protected (« < 5 », « masqué »), as on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from equipment.enums import ItemCategory
from reports.disclosure import PeopleTable, people_count
from reports.scope import Scope
from reports.selectors import (
    criteria_mix,
    equipment_figures,
    figures_by_category,
    households_by_commune,
    households_by_structure,
    households_equipped,
    impact_estimate,
    weee_by_category,
)

Rows = list[list[str]]


def decimal_fr(value: Decimal, places: int = 1) -> str:
    """12.50 -> « 12,5 »: what a French spreadsheet reads as a number."""
    return f"{value:.{places}f}".replace(".", ",")


def households_label(scope: Scope) -> str:
    return f"Foyers équipés ({scope.structure.name})" if scope.structure else "Foyers équipés"


def bilan_rows(bilan: dict, scope: Scope, households: str | None) -> Rows:
    """The bilan in the programme's published layout; `households` the protected count, None to leave it out."""
    rows = [["Matériels confiés", str(bilan["entrusted"])], ["En attente d'audit", str(bilan["pending_audit"])]]
    rows += [
        [f"dont {ItemCategory(code).label.lower()}", str(count)]
        for code, count in bilan["pending_audit_by_category"].items()
    ]
    rows += [
        ["Reconditionnés", str(bilan["refurbished"])],
        ["Recyclés (DEEE)", str(bilan["recycled"])],
        ["Distribués", str(bilan["distributed"])],
    ]
    if households is not None:
        rows.append([households_label(scope), households])
    return rows


def _bilan(scope: Scope) -> Rows:
    bilan = equipment_figures(scope.year).bilan
    households = people_count(households_equipped(scope.year, scope.structure_id)).csv_value if scope.people else None
    return [["Indicateur", f"Bilan {scope.year}"], *bilan_rows(bilan, scope, households)]


def _categories(scope: Scope) -> Rows:
    header = ["Catégorie", "Confiés", "En attente d'audit", "Reconditionnés", "Recyclés (DEEE)", "Distribués"]
    return [
        header,
        *(
            [row.label, str(row.entrusted), str(row.pending_audit), str(row.refurbished), str(row.recycled)]
            + [str(row.distributed)]
            for row in figures_by_category(scope.year)
        ),
    ]


def funnel_rows(bilan: dict) -> Rows:
    entrusted = bilan["entrusted"]

    def share(value: int) -> str:
        return str(round(100 * value / entrusted)) if entrusted else ""

    return [
        ["Confiés", str(entrusted), share(entrusted)],
        ["Reconditionnés", str(bilan["refurbished"]), share(bilan["refurbished"])],
        ["Distribués", str(bilan["distributed"]), share(bilan["distributed"])],
    ]


def _funnel(scope: Scope) -> Rows:
    return [["Étape", "Matériels", "Part des confiés (%)"], *funnel_rows(equipment_figures(scope.year).bilan)]


def _weee(scope: Scope) -> Rows:
    rows = weee_by_category(scope.year)
    total = sum((row.weight_kg for row in rows), Decimal("0"))
    return [
        ["Catégorie DEEE", "Matériels", "Poids (kg)"],
        *([row.label, str(row.items), decimal_fr(row.weight_kg)] for row in rows),
        ["Total", str(sum(row.items for row in rows)), decimal_fr(total)],
    ]


def _impact(scope: Scope) -> Rows:
    impact = impact_estimate(figures_by_category(scope.year))
    header = [
        "Catégorie",
        "Matériels distribués",
        "Facteur (kg CO2e par appareil)",
        "Émissions évitées (kg CO2e)",
        "Déchets évités (kg)",
        "Matériels sans poids",
        "Source du facteur",
    ]
    rows = [
        [
            line.label,
            str(line.distributed),
            decimal_fr(line.factor.kg_co2e) if line.factor else "non compté",
            decimal_fr(line.kg_co2e, 0),
            decimal_fr(line.waste_kg),
            str(line.unweighed),
            f"{line.factor.source} ({line.factor.published})" if line.factor else "",
        ]
        for line in impact.lines
    ]
    total = ["Total", str(sum(line.distributed for line in impact.lines)), "", decimal_fr(impact.kg_co2e, 0)]
    return [header, *rows, [*total, decimal_fr(impact.waste_kg), str(impact.unweighed), ""]]


def people_rows(table: PeopleTable, first_column: str, total_label: str) -> Rows:
    rows = [[first_column, "Foyers équipés"]]
    if table.detail_withheld:
        rows.append(["Détail non publié (moins de 5 foyers en tout, ou impossible à protéger)", ""])
    rows += [[row.label, row.count.csv_value] for row in table.rows]
    rows.append([total_label, table.total.csv_value])
    return rows


def _communes(scope: Scope) -> Rows:
    return people_rows(households_by_commune(scope.year, scope.structure_id), "Commune", "Total")


def _structures(scope: Scope) -> Rows:
    return people_rows(households_by_structure(scope.year, scope.structure_id), "Structure", "Total")


def _criteria(scope: Scope) -> Rows:
    return people_rows(
        criteria_mix(scope.year, scope.structure_id),
        "Critère",
        "Foyers équipés (un foyer a souvent plusieurs critères)",
    )


@dataclass(frozen=True)
class Figure:
    slug: str
    title: str
    people: bool
    rows: Callable[[Scope], Rows]


FIGURES = {
    figure.slug: figure
    for figure in [
        Figure("bilan", "Bilan", False, _bilan),
        Figure("materiel-par-categorie", "Matériel par catégorie", False, _categories),
        Figure("parcours", "Parcours du matériel", False, _funnel),
        Figure("deee", "DEEE par catégorie", False, _weee),
        Figure("impact", "Impact estimé", False, _impact),
        Figure("foyers-par-commune", "Foyers équipés par commune", True, _communes),
        Figure("foyers-par-structure", "Foyers équipés par structure", True, _structures),
        Figure("criteres", "Critères des foyers équipés", True, _criteria),
    ]
}
