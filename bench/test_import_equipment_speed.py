"""Speed of the equipment CSV import: 10,000 rows, target >= 5,000 rows/s (check + write, history, status log).

Run: .venv/bin/python -m pytest bench/test_import_equipment_speed.py -q -s   (add DATABASE_URL for PostgreSQL)
"""

import time

from equipment.imports.csv_rows import HEADER
from equipment.imports.items_csv import items_import_csv
from equipment.models import Item, StatusChange

ROWS = 10_000
TARGET_ROWS_PER_SECOND = 5_000
CATEGORIES = ["screen", "desktop", "keyboard", "mouse", "laptop"]
STATUSES = ["received", "in_audit", "refurbished", "recycled", "distributed"]


def _content() -> bytes:
    lines = [",".join(HEADER)]
    for n in range(ROWS):
        tag = f"BENCH-{n:05d}" if n % 2 else ""
        serial = f"SN{n:07d}" if n % 3 else ""
        category, status = CATEGORIES[n % 5], STATUSES[(n // 5) % 5]
        day = f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        lines.append(f"{tag},{category},Marque,Modèle {n % 7},{serial},{status},{day},Donateur {n % 40},3.5,note {n}")
    return ("\n".join(lines) + "\n").encode()


def test_import_10k_rows_speed():
    content = _content()

    started, cpu = time.perf_counter(), time.process_time()
    report = items_import_csv(content=content, filename="bench.csv")
    first, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    again = items_import_csv(content=content, filename="bench.csv")
    second = time.perf_counter() - started

    assert report.errors == [] and len(report.created) == ROWS
    assert len(again.unchanged) == ROWS and Item.objects.count() == ROWS == StatusChange.objects.count()
    print(
        f"\nimport of {ROWS} rows: {first:.2f} s ({ROWS / first:,.0f} rows/s; Python process CPU {cpu:.2f} s); "
        f"re-import (all unchanged): {second:.2f} s"
    )
    assert ROWS / first >= TARGET_ROWS_PER_SECOND
