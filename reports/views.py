"""The dashboard (/tableau-de-bord/) and its CSV downloads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse

from accounts.decorators import access_required
from accounts.models import Organisation
from accounts.permissions import Capability, may, refusal
from core import components
from equipment.enums import ItemCategory
from equipment.weee.documents import csv_lines
from reports.charts import Bar, Series, bar_chart, funnel
from reports.disclosure import PeopleTable
from reports.figures import FIGURES, decimal_fr
from reports.forms import DashboardScopeForm
from reports.impact_factors import METHOD
from reports.scope import dashboard_scope, year_choices
from reports.selectors import (
    EquipmentFigures,
    Impact,
    PeopleFigures,
    equipment_figures,
    impact_estimate,
    people_figures,
)

PENDING = Series(0, "s-pending", "En attente d'audit")
REFURBISHED = Series(0, "s-refurbished", "Reconditionnés (dont réservés et distribués)")
RECYCLED = Series(0, "s-recycled", "Recyclés (DEEE)")
BILAN_KEYS = ("entrusted", "pending_audit", "refurbished", "recycled", "distributed")


def _categories_chart(year: int, by_category):
    bars = [
        Bar(
            row.label,
            f"{row.entrusted:,}".replace(",", "\u202f"),
            [
                Series(row.pending_audit, PENDING.css, PENDING.label),
                Series(row.refurbished, REFURBISHED.css, REFURBISHED.label),
                Series(row.recycled, RECYCLED.css, RECYCLED.label),
            ],
        )
        for row in by_category
    ]
    return bar_chart(
        chart_id="graphique-categories",
        title=f"Matériel reçu en {year} par catégorie, selon son statut actuel",
        bars=bars,
        legend=[PENDING, REFURBISHED, RECYCLED],
    )


def _weee_chart(year: int, weee):
    bars = [
        Bar(row.label, f"{decimal_fr(row.weight_kg)} kg", [Series(float(row.weight_kg), "s-weee", row.label)])
        for row in weee
    ]
    return bar_chart(chart_id="graphique-deee", title=f"Poids recyclé (DEEE) en {year}, en kg", bars=bars)


def _communes_chart(year: int, table: PeopleTable):
    bars = [
        Bar(row.label, row.count.text, [Series(row.count.value, "s-households", row.label)] if row.count.value else [])
        for row in table.rows
    ]
    return bar_chart(chart_id="graphique-communes", title=f"Foyers équipés en {year} par commune", bars=bars)


def _people_tables(people: PeopleFigures) -> dict[str, str]:
    return {
        "communes": components.people_table(
            people.by_commune, first_column="Commune", caption="Foyers équipés par commune"
        ),
        "structures": (
            components.people_table(
                people.by_structure, first_column="Structure", caption="Foyers équipés par structure prescriptrice"
            )
            if people.by_structure
            else ""
        ),
        "criteria": components.people_table(
            people.criteria,
            first_column="Critère",
            caption="Foyers équipés ayant chaque critère (un foyer en a souvent plusieurs)",
            total_label="Foyers équipés",
        ),
    }


def _funnel(year: int, bilan: dict):
    return funnel(
        chart_id="graphique-parcours",
        title=f"Parcours du matériel reçu en {year}",
        stages=[
            ("Confiés", bilan["entrusted"]),
            ("Reconditionnés", bilan["refurbished"]),
            ("Distribués", bilan["distributed"]),
        ],
    )


def _equipment_text(equipment: EquipmentFigures, impact: Impact) -> dict:
    """Every equipment number of the page as it prints (grouped, decimal comma), computed once here: the
    template then only places text (formatting filters cost more than the figures' SQL)."""
    bilan, integer = equipment.bilan, components.integer
    return {
        "bilan": {key: integer(bilan[key]) for key in BILAN_KEYS},
        "pending": [
            (ItemCategory(code).label.lower(), integer(count))
            for code, count in bilan["pending_audit_by_category"].items()
        ],
        "categories": components.table_rows(
            (
                [row.label, *(integer(n) for n in (row.entrusted, row.pending_audit, row.refurbished, row.recycled))]
                + [integer(row.distributed)]
                for row in equipment.by_category
            ),
            ("text-end",) * 5,
        ),
        "weee": components.table_rows(
            ((row.label, integer(row.items), floatformat(row.weight_kg, "1g")) for row in equipment.weee),
            ("text-end", "text-end"),
        ),
        "weee_total_items": integer(sum(row.items for row in equipment.weee)),
        "weee_total_kg": floatformat(sum(row.weight_kg for row in equipment.weee), "1g"),
        "kg_co2e": floatformat(impact.kg_co2e, "0g"),
        "waste_kg": floatformat(impact.waste_kg, "1g"),
        "factors": components.table_rows(
            (
                [label, factor.device, floatformat(factor.kg_co2e, "1g"), factor.unit]
                + [factor.source_short or factor.source, factor.published]
                for label, factor in impact.factors.values()
            ),
            ("", "text-end", "", "", ""),
        ),
    }


@access_required(Capability.DASHBOARD)
def dashboard(request):
    scope = dashboard_scope(request.user, request.GET)
    if scope.structure_not_found:
        messages.warning(request, "Cette structure est introuvable : voici les chiffres de tout le programme.")
    year = scope.year
    equipment = equipment_figures(year)
    impact = impact_estimate(equipment.by_category)
    people = people_figures(year, scope.structure_id, exact=scope.exact) if scope.people else None
    context = {
        "scope": scope,
        "year": str(year),  # text: an int would go through number localisation at each of its ~25 places
        "scope_form": DashboardScopeForm(
            year=year,
            years=year_choices(),
            structure_id=scope.structure_id,
            structures=Organisation.objects.structures().values_list("pk", "name")
            if scope.can_pick_structure
            else None,
        ),
        "csv": {
            slug.replace("-", "_"): f"{reverse('dashboard:figure_csv', args=[slug])}?{scope.query}" for slug in FIGURES
        },
        "text": _equipment_text(equipment, impact),
        "has_categories": bool(equipment.by_category),
        "has_weee": bool(equipment.weee),
        "impact": impact,
        "impact_method": METHOD,
        "people": people,
        "charts": {
            "funnel": components.funnel(_funnel(year, equipment.bilan)),
            "categories": components.bar_chart(_categories_chart(year, equipment.by_category)),
            "weee": components.bar_chart(_weee_chart(year, equipment.weee)),
            "communes": components.bar_chart(_communes_chart(year, people.by_commune)) if people else "",
        },
        "tables": _people_tables(people) if people else {},
    }
    return render(request, "dashboard/index.html", context)


@access_required(Capability.DASHBOARD)
def figure_csv(request, figure: str):
    """One figure of the dashboard as CSV (semicolons, UTF-8 with BOM: opens as is in a French spreadsheet)."""
    spec = FIGURES.get(figure)
    if spec is None:
        raise Http404("Ce tableau n'existe pas.")
    scope = dashboard_scope(request.user, request.GET)
    if spec.people and not may(request.user, Capability.DASHBOARD_HOUSEHOLDS):
        raise PermissionDenied(refusal(Capability.DASHBOARD_HOUSEHOLDS))
    response = HttpResponse("".join(csv_lines(spec.rows(scope))), content_type="text/csv; charset=utf-8")
    suffix = f"-{scope.structure.pk}" if scope.structure and scope.can_pick_structure else ""
    response["Content-Disposition"] = f'attachment; filename="{spec.slug}-{scope.year}{suffix}.csv"'
    return response
