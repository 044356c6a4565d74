"""The dashboard (/tableau-de-bord/) and its CSV downloads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.models import Organisation
from equipment.enums import ItemCategory
from equipment.selectors import bilan_for_year
from equipment.weee import csv_lines
from reports.charts import Bar, Series, bar_chart, funnel
from reports.disclosure import PeopleTable
from reports.figures import FIGURES, decimal_fr
from reports.impact_factors import METHOD
from reports.scope import dashboard_scope, year_choices
from reports.selectors import figures_by_category, impact_estimate, people_figures, weee_by_category

PENDING = Series(0, "s-pending", "En attente d'audit")
REFURBISHED = Series(0, "s-refurbished", "Reconditionnés (dont réservés et distribués)")
RECYCLED = Series(0, "s-recycled", "Recyclés (DEEE)")


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


def dashboard(request):
    scope = dashboard_scope(request.user, request.GET)
    if scope.structure_not_found:
        messages.warning(request, "Cette structure est introuvable : voici les chiffres de tout le programme.")
    year = scope.year
    bilan = bilan_for_year(year)
    by_category = figures_by_category(year)
    weee = weee_by_category(year)
    people = people_figures(year, scope.structure_id) if scope.people else None
    context = {
        "scope": scope,
        "year": year,
        "years": year_choices(),
        "structures": list(Organisation.objects.structures().only("pk", "name")) if scope.can_pick_structure else [],
        "bilan": bilan,
        "pending": [(ItemCategory(code).label, count) for code, count in bilan["pending_audit_by_category"].items()],
        "by_category": by_category,
        "weee": weee,
        "weee_total_kg": sum(row.weight_kg for row in weee),
        "weee_total_items": sum(row.items for row in weee),
        "impact": impact_estimate(by_category),
        "impact_method": METHOD,
        "people": people,
        "charts": {
            "funnel": funnel(
                chart_id="graphique-parcours",
                title=f"Parcours du matériel reçu en {year}",
                stages=[
                    ("Confiés", bilan["entrusted"]),
                    ("Reconditionnés", bilan["refurbished"]),
                    ("Distribués", bilan["distributed"]),
                ],
            ),
            "categories": _categories_chart(year, by_category),
            "weee": _weee_chart(year, weee),
            "communes": _communes_chart(year, people.by_commune) if people else None,
        },
    }
    return render(request, "dashboard/index.html", context)


def figure_csv(request, figure: str):
    """One figure of the dashboard as CSV (semicolons, UTF-8 with BOM: opens as is in a French spreadsheet)."""
    spec = FIGURES.get(figure)
    if spec is None:
        raise Http404("Ce tableau n'existe pas.")
    scope = dashboard_scope(request.user, request.GET)
    if spec.people and not scope.people:
        raise PermissionDenied("Les chiffres sur les foyers ne sont pas accessibles aux techniciens.")
    response = HttpResponse("".join(csv_lines(spec.rows(scope))), content_type="text/csv; charset=utf-8")
    suffix = f"-{scope.structure.pk}" if scope.structure and scope.can_pick_structure else ""
    response["Content-Disposition"] = f'attachment; filename="{spec.slug}-{scope.year}{suffix}.csv"'
    return response
