"""Each dashboard figure as CSV: same numbers as the page, same small-count rule, same permissions."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from equipment.enums import ItemCategory, ItemStatus
from reports.figures import FIGURES
from tests.equipment.factories import ItemFactory
from tests.reports.conftest import YEAR, equip

PEOPLE = ["foyers-par-commune", "foyers-par-structure", "criteres"]
EQUIPMENT = ["bilan", "materiel-par-categorie", "parcours", "deee", "impact"]


def download(client, figure: str, **params) -> list[list[str]]:
    response = client.get(reverse("dashboard:figure_csv", args=[figure]), {"annee": YEAR, **params})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{figure}-{YEAR}')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # a French spreadsheet opens it as UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def as_dict(rows: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[1] for row in rows[1:]}


def test_every_figure_of_the_page_can_be_downloaded(coordination):
    assert sorted(FIGURES) == sorted(PEOPLE + EQUIPMENT)
    for figure in FIGURES:
        assert download(coordination, figure)[0]  # a header row


def test_bilan_csv_has_the_published_layout(coordination, raismes, structure_a):
    ItemFactory.create_batch(2, category=ItemCategory.SCREEN, received_on=datetime.date(YEAR, 2, 1), donation=None)
    ItemFactory(status=ItemStatus.RECYCLED, received_on=datetime.date(YEAR, 2, 1), donation=None)
    equip(7, commune=raismes, structure=structure_a)

    rows = download(coordination, "bilan")

    assert rows == [
        ["Indicateur", f"Bilan {YEAR}"],
        ["Matériels confiés", "3"],
        ["En attente d'audit", "2"],
        ["dont écran", "2"],
        ["Reconditionnés", "0"],
        ["Recyclés (DEEE)", "1"],
        ["Distribués", "0"],
        ["Foyers équipés", "7"],
    ]


def test_a_commune_with_three_households_shows_below_five_in_the_csv(coordination, raismes, denain, escaudain):
    from tests.accounts.factories import OrganisationFactory

    structure = OrganisationFactory()
    equip(3, commune=raismes, structure=structure)
    equip(20, commune=denain, structure=structure)
    equip(9, commune=escaudain, structure=structure)

    figures = as_dict(download(coordination, "foyers-par-commune"))

    assert figures == {"Denain": "20", "Escaudain": "masqué", "Raismes": "< 5", "Total": "32"}


def test_criteria_csv_counts_each_criterion_without_small_numbers(coordination, raismes, structure_a):
    equip(6, commune=raismes, structure=structure_a, rsa=True, single_parent=True)
    equip(4, commune=raismes, structure=structure_a, rsa=False, ass=True)
    equip(1, commune=raismes, structure=structure_a, rsa=False, ass=True, aah=True)

    figures = as_dict(download(coordination, "criteres"))

    assert figures["RSA"] == "6" and figures["Parent isolé"] == "6" and figures["ASS"] == "5"
    assert figures["AAH"] == "< 5" and figures["Sortant de détention"] == "< 5"
    assert figures["Foyers équipés (un foyer a souvent plusieurs critères)"] == "11"


def test_a_criterion_almost_everyone_holds_is_masked(coordination, raismes, structure_a):
    equip(8, commune=raismes, structure=structure_a, rsa=True)
    equip(2, commune=raismes, structure=structure_a, rsa=False, aah=True)

    # 8 on RSA out of 10 would tell that 2 households are not.
    assert as_dict(download(coordination, "criteres"))["RSA"] == "masqué"


def test_prescriber_csv_counts_their_structure_only(prescriber_a, raismes, denain, structure_a, structure_b):
    equip(6, commune=raismes, structure=structure_a)
    equip(8, commune=denain, structure=structure_b)

    assert as_dict(download(prescriber_a, "foyers-par-commune", structure=structure_b.pk)) == {
        "Raismes": "6",
        "Total": "6",
    }
    assert as_dict(download(prescriber_a, "bilan"))["Foyers équipés (CCAS de Raismes)"] == "6"


def test_technician_downloads_equipment_figures_but_no_people_figures(technician):
    for figure in EQUIPMENT:
        assert "Foyers" not in str(download(technician, figure))
    for figure in PEOPLE:
        assert technician.get(reverse("dashboard:figure_csv", args=[figure])).status_code == 403


def test_weee_and_impact_csv_use_decimal_commas(coordination):
    ItemFactory(
        status=ItemStatus.RECYCLED, weight_kg=Decimal("4.25"), received_on=datetime.date(YEAR, 2, 1), donation=None
    )
    ItemFactory(
        category=ItemCategory.LAPTOP,
        status=ItemStatus.DISTRIBUTED,
        weight_kg=Decimal("2.1"),
        received_on=datetime.date(YEAR, 2, 1),
        donation=None,
    )

    assert download(coordination, "deee")[1] == ["2 — Écrans et moniteurs", "1", "4,2"]
    impact = download(coordination, "impact")
    assert impact[1][:6] == ["Ordinateur portable", "1", "182,6", "183", "2,1", "0"]
    assert "ADEME et Arcep" in impact[1][6] and "janvier 2022" in impact[1][6]


@pytest.mark.parametrize("figure", ["inconnu", "bilan2"])
def test_an_unknown_figure_is_a_404(coordination, figure):
    assert coordination.get(reverse("dashboard:figure_csv", args=[figure])).status_code == 404
