"""Streaming of /materiel/export.csv on 100,000 items: first row out at once, memory flat, whole file speed.

Run: .venv/bin/python -m pytest bench/test_equipment_export_speed.py -q -s   (add DATABASE_URL for PostgreSQL)
"""

import datetime
import time
import tracemalloc
from decimal import Decimal

from django.db import connection
from django.urls import reverse

from equipment.models import Item
from tests.accounts.factories import UserFactory

ROWS = 100_000
FIRST_ROW_WITHIN_S = 0.5
PEAK_MEMORY_BELOW_MB = 10
CATEGORIES = ["screen", "desktop", "keyboard", "mouse", "laptop"]


def _items():
    Item.objects.bulk_create(
        (
            Item(
                asset_tag=f"EXP-{n:06d}",
                category=CATEGORIES[n % 5],
                received_on=datetime.date(2024, n % 12 + 1, n % 28 + 1),
                manufacturer="Dell",
                model=f"Modèle {n % 40}",
                serial_number=f"SN{n:08d}",
                weight_kg=Decimal("4.20"),
                notes="Rayure sur le capot" if n % 10 == 0 else "",
            )
            for n in range(ROWS)
        ),
        batch_size=5000,
    )


def _export(client) -> tuple[float, float, int]:
    started = time.perf_counter()
    response = client.get(reverse("equipment:export"))
    chunks = iter(response.streaming_content)
    head = b"".join(next(chunks) for _ in range(3))  # BOM, header, first item
    first_row = time.perf_counter() - started
    size = len(head) + sum(len(chunk) for chunk in chunks)
    assert b"EXP-" in head
    return first_row, time.perf_counter() - started, size


def test_export_100k_rows_streams(client):
    _items()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE equipment_item")  # as autovacuum would after a large import
    client.force_login(UserFactory(technician=True))
    client.get(reverse("equipment:list"))  # session and caches warm, as for someone who just filtered the list

    first_row, total, size = _export(client)
    tracemalloc.start()
    _export(client)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(
        f"\nexport of {ROWS:,} rows ({size / 1e6:.1f} MB of CSV): first row after {first_row * 1000:.0f} ms, "
        f"whole file {total:.2f} s ({ROWS / total:,.0f} rows/s); Python peak memory while streaming "
        f"{peak / 1e6:.1f} MB (measured on a second run under tracemalloc)"
    )
    assert first_row < FIRST_ROW_WITHIN_S
    assert peak / 1e6 < PEAK_MEMORY_BELOW_MB and peak < size / 2  # well below the file itself
