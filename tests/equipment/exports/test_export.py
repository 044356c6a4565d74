"""/materiel/export.csv: the equipment list with its filters, streamed, importable again."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equipment.enums import ItemCategory, ItemStatus
from equipment.imports.csv_rows import FRENCH_HEADER, parse
from tests.accounts.factories import UserFactory
from tests.donations.factories import DonationFactory
from tests.equipment.factories import ItemFactory

URL = reverse("equipment:export")


@pytest.fixture
def technician_client(client):
    client.force_login(UserFactory(technician=True))
    return client


def export(client, **filters) -> tuple[StreamingHttpResponse, list[list[str]]]:
    response = client.get(URL, filters)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_export_is_streamed_in_french_like_the_dashboards_csv(technician_client):
    ItemFactory(asset_tag="PH-000001", weight_kg=Decimal("4.20"), donation=DonationFactory(donor__name="Mairie"))

    response, rows = export(technician_client)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="materiel-')
    assert rows[0] == [
        "Étiquette", "Catégorie", "Marque", "Modèle", "N° de série", "Statut", "Reçu le", "Donateur", "Poids (kg)",
        "Notes",
    ]  # fmt: skip
    assert rows[1] == ["PH-000001", "Écran", "Dell", "P2217H", rows[1][4], "Reçu", "14/03/2025", "Mairie", "4,20", ""]


def test_export_keeps_the_filters_of_the_list(technician_client):
    ItemFactory(asset_tag="A-1", category=ItemCategory.SCREEN, status=ItemStatus.RECEIVED)
    ItemFactory(asset_tag="A-2", category=ItemCategory.SCREEN, status=ItemStatus.RECYCLED)
    ItemFactory(asset_tag="A-3", desktop=True, status=ItemStatus.RECYCLED)
    ItemFactory(asset_tag="A-4", desktop=True, status=ItemStatus.RECYCLED, received_on=datetime.date(2023, 1, 5))

    def tags(**filters):
        return [row[0] for row in export(technician_client, **filters)[1][1:]]

    assert tags(status="recycled", category="desktop", received_after="2024-01-01") == ["A-3"]
    assert tags(status="recycled") == ["A-4", "A-2", "A-3"]  # oldest first, then in the order recorded
    assert tags(q="a-1") == ["A-1"]
    assert tags(q="ProDesk") == ["A-4", "A-3"]
    assert tags(category="laptop") == []


def test_an_exported_file_imports_again_without_errors(technician_client):
    ItemFactory.create_batch(3)
    recycled = ItemFactory(desktop=True, status=ItemStatus.RECYCLED, notes="Carte mère HS; « à recycler »")

    content = b"".join(technician_client.get(URL).streaming_content)

    parsed = parse(content)
    assert parsed.errors == []
    assert len(parsed.rows) == 4
    row = next(row for row in parsed.rows if row.asset_tag == recycled.asset_tag)
    assert (row.category, row.status, row.received_on) == ("desktop", "recycled", recycled.received_on)
    assert (row.weight_kg, row.notes) == (recycled.weight_kg, "Carte mère HS; « à recycler »")


def test_an_invalid_filter_goes_back_to_the_list_with_a_message(technician_client):
    response = technician_client.get(URL, {"received_after": "32/13/2025", "status": "received"}, follow=True)

    assert response.redirect_chain[0][0].startswith(reverse("equipment:list") + "?")
    assert "Export impossible, un filtre est invalide — Reçu à partir du" in response.content.decode()


@pytest.mark.parametrize("role", ["prescriber", "partner"])
def test_only_coordination_and_technicians_export(client, role):
    client.force_login(UserFactory(**{role: True}))

    assert client.get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_the_list_offers_the_export_with_its_current_filters(technician_client):
    html = technician_client.get(reverse("equipment:list"), {"status": "recycled", "category": "screen"}).content

    assert f'href="{URL}?status=recycled&amp;category=screen"'.encode() in html


def test_the_response_starts_before_any_item_is_read(technician_client):
    ItemFactory.create_batch(5)

    with CaptureQueriesContext(connection) as before:
        response = technician_client.get(URL)
    with CaptureQueriesContext(connection) as first:
        chunks = iter(response.streaming_content)
        head = next(chunks)
    with CaptureQueriesContext(connection) as streaming:
        rest = list(chunks)

    assert not any("equipment_item" in query["sql"] for query in before.captured_queries + first.captured_queries)
    assert head == "\ufeff".encode() + ";".join(FRENCH_HEADER).encode() + b"\r\n"
    assert sum("equipment_item" in query["sql"] for query in streaming.captured_queries) == 1
    assert len(rest) == 1  # rows go out in blocks of ~256 KiB, not one chunk per row
    assert rest[0].count(b"\r\n") == 5
