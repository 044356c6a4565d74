"""/tableau-de-bord/: the bilan as the `bilan` command gives it, charts with their tables, who sees what."""

import datetime
import io
import json
import re
from decimal import Decimal
from html import unescape as html_unescape
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.enums import ItemCategory, ItemStatus
from reports.impact_factors import ImpactFactor
from tests.equipment.factories import ItemFactory
from tests.reports.conftest import YEAR, equip

URL = reverse("dashboard:index")
BILAN_2024_CSV = Path(__file__).resolve().parent.parent / "data" / "bilan_2024.csv"
BILAN_ROW = re.compile(
    r'<th scope="row">[^<]*(?:<[^>]*>[^<]*)*?</th><td class="text-end" data-figure="(\w+)">([^<]*)</td>'
)


def page(client, **params) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def bilan_cells(html: str) -> dict[str, str]:
    """The bilan table as a reader sees it: figure -> text (thin spaces removed)."""
    table = html[html.index('id="bilan"') : html.index("</table>", html.index('id="bilan"'))]
    return {
        key: html_unescape(value).replace("\xa0", "").replace("\u202f", "") for key, value in BILAN_ROW.findall(table)
    }


def bilan_command(year: int) -> dict:
    out = io.StringIO()
    call_command("bilan", "--year", str(year), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def commune_row(html: str, name: str) -> str | None:
    match = re.search(rf'<th scope="row" class="fw-normal">{name}</th><td class="text-end[^"]*">([^<]*)</td>', html)
    return match.group(1) if match else None


def test_dashboard_bilan_equals_the_bilan_command_for_2024(coordination):
    call_command("import_equipment", str(BILAN_2024_CSV), stdout=io.StringIO())

    cells = bilan_cells(page(coordination, annee=2024))
    command = bilan_command(2024)

    assert cells == {
        "entrusted": str(command["entrusted"]),
        "pending_audit": str(command["pending_audit"]),
        "refurbished": str(command["refurbished"]),
        "recycled": str(command["recycled"]),
        "distributed": str(command["distributed"]),
        "households_equipped": "0",  # coordination reads the exact count, as the command gives it
    }
    assert cells["entrusted"] == "514" and cells["pending_audit"] == "128"
    html = page(coordination, annee=2024)
    for label, count in [("écran", 29), ("unité centrale", 77), ("clavier", 21), ("onduleur", 1)]:
        assert f'<td class="ps-4">dont {label}</td><td class="text-end">{count}</td>' in html


def test_dashboard_counts_the_households_equipped_that_year_like_the_command(coordination, raismes, structure_a):
    ItemFactory.create_batch(3, status=ItemStatus.DISTRIBUTED, received_on=datetime.date(YEAR, 2, 1), donation=None)
    equip(6, commune=raismes, structure=structure_a)
    equip(2, commune=raismes, structure=structure_a, on=datetime.date(YEAR - 1, 11, 5))

    assert bilan_command(YEAR)["households_equipped"] == 6
    assert bilan_cells(page(coordination, annee=YEAR))["households_equipped"] == "6"
    assert bilan_cells(page(coordination, annee=YEAR))["distributed"] == "3"


def test_a_commune_with_three_households_shows_below_five_and_cannot_be_subtracted(
    prescriber_a, raismes, denain, escaudain, structure_a
):
    equip(3, commune=raismes, structure=structure_a)
    equip(20, commune=denain, structure=structure_a)
    equip(9, commune=escaudain, structure=structure_a)

    html = page(prescriber_a, annee=YEAR)  # a prescriber's figures go into the structure's own reports

    assert commune_row(html, "Raismes") == "&lt; 5"
    assert commune_row(html, "Denain") == "20"
    assert commune_row(html, "Escaudain") == "masqué"  # else 32 − 20 − 9 would give Raismes back
    assert bilan_cells(html)["households_equipped"] == "32"
    assert ">3<" not in html.split('id="titre-foyers"')[1].split("</section>")[0]


def test_coordination_reads_exact_counts_marked_not_for_publication_and_the_csv_stays_protected(
    coordination, raismes, denain, escaudain, structure_a, structure_b
):
    equip(3, commune=raismes, structure=structure_a)
    equip(20, commune=denain, structure=structure_b)
    equip(9, commune=escaudain, structure=structure_b, aah=True)

    html = page(coordination, annee=YEAR)

    assert (commune_row(html, "Raismes"), commune_row(html, "Denain"), commune_row(html, "Escaudain")) == (
        "3",
        "20",
        "9",
    )
    assert commune_row(html, "CCAS de Raismes") == "3"
    assert commune_row(html, "AAH") == "9"
    assert "&lt; 5" not in html.split('id="titre-foyers"')[1].split("</section>")[0].split("</p>", 1)[1]
    assert "Chiffres exacts, pour la coordination seulement : ne pas les publier tels quels." in html
    assert "Télécharger en CSV (à publier : petits nombres masqués)" in html
    csv = coordination.get(reverse("dashboard:figure_csv", args=["foyers-par-commune"]), {"annee": YEAR})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert "Raismes;< 5" in lines and "Escaudain;masqué" in lines and "Denain;20" in lines


def test_prescriber_sees_the_people_figures_of_their_own_structure_only(
    prescriber_a, raismes, denain, structure_a, structure_b
):
    equip(6, commune=raismes, structure=structure_a)
    equip(7, commune=denain, structure=structure_b)

    html = page(prescriber_a, annee=YEAR, structure=structure_b.pk)

    assert commune_row(html, "Raismes") == "6"
    assert commune_row(html, "Denain") is None
    assert bilan_cells(html)["households_equipped"] == "6"
    assert "CCAS de Denain" not in html
    assert "Par structure" not in html
    assert "Chiffres des foyers : <strong>CCAS de Raismes</strong> seulement" in html


def test_coordination_sees_every_structure_and_can_pick_one(coordination, raismes, denain, structure_a, structure_b):
    equip(6, commune=raismes, structure=structure_a)
    equip(7, commune=denain, structure=structure_b)

    html = page(coordination, annee=YEAR)
    assert commune_row(html, "Raismes") == "6" and commune_row(html, "Denain") == "7"
    assert commune_row(html, "CCAS de Raismes") == "6" and commune_row(html, "CCAS de Denain") == "7"

    picked = page(coordination, annee=YEAR, structure=structure_b.pk)
    assert commune_row(picked, "Denain") == "7" and commune_row(picked, "Raismes") is None
    assert bilan_cells(picked)["households_equipped"] == "7"


def test_an_unknown_structure_falls_back_to_the_whole_programme_with_a_message(coordination):
    html = page(coordination, annee=YEAR, structure=999999)

    assert "Cette structure est introuvable" in html


def test_technician_sees_equipment_figures_and_no_people_figures(technician, raismes, structure_a):
    ItemFactory(status=ItemStatus.DISTRIBUTED, received_on=datetime.date(YEAR, 2, 1), donation=None)
    equip(6, commune=raismes, structure=structure_a)

    html = page(technician, annee=YEAR)

    assert "households_equipped" not in html
    assert "Foyers équipés" not in html and "Raismes" not in html and "Critères" not in html
    assert bilan_cells(html)["distributed"] == "1"


def test_partner_has_no_dashboard(partner):
    assert partner.get(URL).status_code == 403
    assert partner.get(reverse("dashboard:figure_csv", args=["bilan"])).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_charts_are_svg_with_a_title_and_hidden_counts_draw_no_bar(
    prescriber_a, structure_a, raismes, denain, escaudain
):
    ItemFactory.create_batch(2, category=ItemCategory.SCREEN, received_on=datetime.date(YEAR, 2, 1), donation=None)
    ItemFactory(category=ItemCategory.KEYBOARD, status="recycled", received_on=datetime.date(YEAR, 2, 1))
    equip(3, commune=raismes, structure=structure_a)
    equip(20, commune=denain, structure=structure_a)
    equip(9, commune=escaudain, structure=structure_a)

    html = page(prescriber_a, annee=YEAR)

    for chart in ["graphique-parcours", "graphique-categories", "graphique-deee", "graphique-communes"]:
        assert f'role="img" aria-labelledby="{chart}-titre {chart}-desc"' in html
    communes_chart = html.split('id="graphique-communes-titre"')[1].split("</svg>")[0]
    assert communes_chart.count('class="s-households"') == 1  # Denain only
    assert ">&lt; 5</text>" in communes_chart and ">masqué</text>" in communes_chart
    assert "Confiés : 3" in html and "Reconditionnés : 0 (0 %)" in html


def test_impact_shows_kg_avoided_with_factors_units_and_sources(coordination):
    ItemFactory.create_batch(
        2,
        category=ItemCategory.DESKTOP,
        status=ItemStatus.DISTRIBUTED,
        weight_kg=Decimal("6.8"),
        received_on=datetime.date(YEAR, 2, 1),
        donation=None,
    )

    html = page(coordination, annee=YEAR)

    assert '<span class="key-number" data-figure="kg_co2e">409</span>' in html  # 2 × 204,4
    assert '<span class="key-number" data-figure="waste_kg">13,6</span>' in html
    assert "kg CO₂e par appareil" in html and "ADEME et Arcep" in html and "janvier 2022" in html


def test_another_territory_can_change_the_impact_factors(coordination, settings):
    settings.FILIERE_IMPACT_FACTORS = {
        "desktop": ImpactFactor(Decimal("100"), "PC de référence", "Source locale", "https://example.org", "2026")
    }
    ItemFactory(category=ItemCategory.DESKTOP, status=ItemStatus.DISTRIBUTED, received_on=datetime.date(YEAR, 2, 1))

    html = page(coordination, annee=YEAR)

    assert '<span class="key-number" data-figure="kg_co2e">100</span>' in html
    assert "Source locale" in html and "ADEME" not in html


@pytest.mark.parametrize("year", ["deux-mille", "", "1850"])
def test_a_strange_year_gives_a_page_not_an_error(coordination, year):
    assert coordination.get(URL, {"annee": year}).status_code == 200


def _fill(many: bool, structure_a, structure_b, communes):
    categories = list(ItemCategory) if many else [ItemCategory.SCREEN]
    statuses = list(ItemStatus) if many else [ItemStatus.RECEIVED]
    for category in categories:
        for status in statuses:
            ItemFactory(category=category, status=status, received_on=datetime.date(YEAR, 3, 1), donation=None)
    for commune in communes if many else communes[:1]:
        equip(6, commune=commune, structure=structure_a)
        if many:
            equip(5, commune=commune, structure=structure_b, aah=True, senior=True)


@pytest.mark.parametrize(
    ("who", "queries"),
    # Session, user, second factor (every account here); then items (1), households (1), the structures picker (1).
    [("coordination", 6), ("prescriber_a", 5), ("technician", 4)],
)
def test_dashboard_queries_do_not_grow_with_rows(
    request, who, queries, django_assert_num_queries, structure_a, structure_b, raismes, denain, escaudain
):
    client = request.getfixturevalue(who)
    _fill(False, structure_a, structure_b, [raismes, denain, escaudain])
    page(client, annee=YEAR)  # the first page after login may save the session
    with CaptureQueriesContext(connection) as few:
        page(client, annee=YEAR)
    _fill(True, structure_a, structure_b, [raismes, denain, escaudain])

    with django_assert_num_queries(len(few)):
        html = page(client, annee=YEAR)

    if who != "technician":
        assert commune_row(html, "Escaudain") in ("6", "11")
    if connection.vendor == "postgresql":  # elsewhere the households' figures take four ORM queries instead of one
        assert len(few) == queries
    else:
        assert len(few) <= queries + 3
