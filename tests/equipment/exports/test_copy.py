"""The equipment export: on PostgreSQL rows written by COPY, byte for byte the file Python's csv writer gives; on
every database, the items the list shows."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from equipment.enums import ItemCategory, ItemStatus
from equipment.exports import csv as export_views
from equipment.imports.csv_rows import FRENCH_HEADER
from equipment.models import Item
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory, DonorFactory
from tests.equipment.factories import ItemFactory

# What a spreadsheet, a CSV reader or COPY could get wrong: formulas, separators, quotes, line breaks, accents,
# empty cells, COPY's own markers.
TRICKY = [
    "=SUM(A1:A9)",
    "+33 6 12 34 56 78",
    "-",
    "@import",
    "a;b",
    'il dit "oui"',
    "ligne 1\nligne 2",
    "ligne 1\r\nligne 2\r",
    "\r",
    "",
    " =espace devant",
    "Écran « très » abîmé — ½ prix, 漢字",
    "\\.",
    "\\N",
    "tab\tici",
    "'déjà cité",
    '"',
    ";",
    '=\n;"',
    "NULL",
]
WEIGHTS = [None, Decimal("0"), Decimal("0.05"), Decimal("12.5"), Decimal("99999.99"), Decimal("4.2")]


@pytest.fixture
def tricky_items():
    for n, text in enumerate(TRICKY):
        ItemFactory(
            asset_tag=text.strip()[:20].replace("\n", "") + f"{n}" if n % 3 else f"X-{n}",
            category=[ItemCategory.SCREEN, ItemCategory.OTHER, ItemCategory.LAPTOP][n % 3],
            status=list(ItemStatus)[n % len(ItemStatus)],  # every status, written as its French label
            manufacturer=text,
            model=TRICKY[-1 - n],
            serial_number=f"{text}{n}" if n % 4 else "",
            received_on=datetime.date(1999, 12, 31) + datetime.timedelta(days=n * 400),
            donation=DonationFactory(donor=DonorFactory(name=f"{text}{n}")) if n % 5 else None,
            weight_kg=WEIGHTS[n % len(WEIGHTS)],
            notes=text,
        )


def _both(items) -> tuple[bytes, bytes]:
    return b"".join(export_views._copy_blocks(items)), b"".join(export_views._python_blocks(items))


@pytest.mark.postgres
def test_copy_writes_the_same_bytes_as_the_python_writer(tricky_items, monkeypatch):
    monkeypatch.setattr(export_views, "BLOCK_BYTES", 64)  # many blocks: rows are cut between blocks, never inside
    items = export_views.export_filter({}).qs

    by_copy, by_python = _both(items)

    assert by_copy == by_python
    rows = list(csv.reader(io.StringIO(by_python.decode(), newline=""), delimiter=";"))
    assert len(rows) == len(TRICKY)
    notes = [row[-1] for row in rows]
    assert "'=SUM(A1:A9)" in notes and "'-" in notes and "ligne 1\r\nligne 2\r" in notes and "" in notes
    assert {row[1] for row in rows} == {"Écran", "Autre", "Ordinateur portable"}
    assert {row[5] for row in rows} == {status.label for status in ItemStatus}
    assert "31/12/1999" in {row[6] for row in rows}
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row[6]) for row in rows)
    assert len(list(export_views._copy_blocks(items))) > len(TRICKY) // 2


def test_an_export_that_can_match_nothing_is_the_header_alone():
    ItemFactory()

    content = b"".join(export_views.export_blocks(Item.objects.none()))

    assert content == "\ufeff".encode() + ";".join(FRENCH_HEADER).encode() + b"\r\n"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "filters",
    [
        {"q": "o'neil % _ \\ ; \""},
        {"q": "=SUM"},
        {"q": "-"},
        {"status": "in_audit", "category": "other"},
        {"received_after": "2005-01-01", "received_before": "2015-06-30"},
    ],
    ids=["quotes-and-wildcards", "formula", "dash", "status-and-category", "dates"],
)
def test_copy_and_python_agree_under_every_filter(tricky_items, filters):
    item_filter = export_views.export_filter(filters)
    assert item_filter.is_valid()

    by_copy, by_python = _both(item_filter.qs)

    assert by_copy == by_python


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"status": "in_audit"},
        {"category": "laptop", "status": "received"},
        {"q": "ligne"},
        {"received_before": "2010-01-01"},
    ],
    ids=["none", "status", "category-status", "search", "date"],
)
def test_the_export_gives_the_items_the_list_shows(client, tricky_items, filters):
    client.force_login(UserFactory(technician=True))
    listed = [row["asset_tag"] for row in client.get(reverse("equipment:list"), filters).context["page"]]

    content = b"".join(client.get(reverse("equipment:export"), filters).streaming_content).decode("utf-8-sig")

    exported = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))[1:]
    assert sorted(row[0].removeprefix("'") for row in exported) == sorted(listed)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_download_stopped_halfway_leaves_the_connection_usable(client, monkeypatch):
    monkeypatch.setattr(export_views, "BLOCK_BYTES", 64)
    ItemFactory.create_batch(30, notes="x" * 40)
    client.force_login(UserFactory(technician=True))

    response = client.get(reverse("equipment:export"))
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)
    response.close()  # what the server does when the person cancels the download

    assert Item.objects.count() == 30
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
