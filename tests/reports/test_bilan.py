import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from equipment.enums import ItemCategory, ItemStatus
from equipment.models import Item
from tests.equipment.factories import ItemFactory

# Built to match the programme's published 2024 figures, with a few 2023 and 2025 items around them:
# 128 pending audit (29 screens, 77 mini towers, 21 keyboards, 1 UPS, received or in audit), 13 refurbished,
# 373 recycled with their weights; tags, serial numbers and donors as real spreadsheets have them (or not).
BILAN_2024_CSV = Path(__file__).resolve().parent.parent / "data" / "bilan_2024.csv"
PUBLISHED_2024 = {
    "year": 2024,
    "entrusted": 514,
    "pending_audit": 128,
    "pending_audit_by_category": {"screen": 29, "desktop": 77, "keyboard": 21, "ups": 1},
    "refurbished": 13,
    "recycled": 373,
    "distributed": 0,
    "households_equipped": 0,
}


def bilan(*args) -> str:
    out = io.StringIO()
    call_command("bilan", *args, stdout=out)
    return out.getvalue()


def test_imported_2024_spreadsheet_gives_back_the_published_2024_bilan():
    call_command("import_equipment", str(BILAN_2024_CSV), stdout=io.StringIO())

    figures = json.loads(bilan("--year", "2024", "--format", "json"))

    assert figures == PUBLISHED_2024
    assert list(figures) == list(PUBLISHED_2024)  # keys in the documented order
    assert not Item.objects.received_in(2024).filter(status=ItemStatus.RECYCLED, weight_kg__isnull=True).exists()


def test_reimporting_the_2024_spreadsheet_leaves_the_bilan_unchanged():
    call_command("import_equipment", str(BILAN_2024_CSV), stdout=io.StringIO())
    call_command("import_equipment", str(BILAN_2024_CSV), stdout=io.StringIO())

    assert json.loads(bilan("--year", "2024", "--format", "json")) == PUBLISHED_2024


def test_text_bilan_is_readable_french():
    call_command("import_equipment", str(BILAN_2024_CSV), stdout=io.StringIO())

    text = bilan("--year", "2024")

    assert text.startswith("Bilan 2024 — matériel reçu en 2024, selon son statut actuel")
    lines = [" ".join(line.replace(".", " ").split()) for line in text.splitlines()]
    for expected in [
        "Matériels confiés 514",
        "En attente d'audit 128",
        "dont écran 29",
        "dont unité centrale 77",
        "dont clavier 21",
        "dont onduleur 1",
        "Reconditionnés 13",
        "Recyclés (DEEE) 373",
    ]:
        assert expected in lines


def test_bilan_counts_items_received_that_year_by_current_status():
    for status in ItemStatus.values:
        ItemFactory(status=status, received_on="2025-06-01", donation=None)
    ItemFactory(status=ItemStatus.RECEIVED, category=ItemCategory.UPS, received_on="2025-12-31", donation=None)
    ItemFactory(status=ItemStatus.RECEIVED, received_on="2024-12-31", donation=None)
    ItemFactory(status=ItemStatus.RECEIVED, received_on="2026-01-01", donation=None)

    figures = json.loads(bilan("--year", "2025", "--format", "json"))

    assert figures["entrusted"] == 7
    assert figures["pending_audit"] == 3  # received + in audit
    assert figures["pending_audit_by_category"] == {"screen": 2, "ups": 1}
    assert figures["refurbished"] == 3  # refurbished + reserved + distributed
    assert figures["recycled"] == 1
    assert figures["distributed"] == 1


def test_year_without_items_gives_zeros():
    figures = json.loads(bilan("--year", "2019", "--format", "json"))

    assert figures == {
        "year": 2019,
        "entrusted": 0,
        "pending_audit": 0,
        "pending_audit_by_category": {},
        "refurbished": 0,
        "recycled": 0,
        "distributed": 0,
        "households_equipped": 0,
    }


@pytest.mark.parametrize("args", [["--year", "24"], ["--year", "deux-mille"], ["--year", "2024", "--format", "xml"]])
def test_bad_arguments_are_refused(args):
    with pytest.raises(CommandError):
        bilan(*args)
