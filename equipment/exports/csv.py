"""The equipment CSV export (/materiel/export.csv and its background job): the list's filters, streamed in blocks.

The file speaks French like the dashboard's CSV files: the import's columns under French headings (« Étiquette »,
« Catégorie », « Reçu le »…), categories and statuses by their labels (« Unité centrale », « Recyclé (DEEE) »), dates
as jj/mm/aaaa, weights with a decimal comma, « ; » between cells, UTF-8 with a BOM. The import reads this header and
these values as well as its documented ones: an exported file can be imported again as it is. The BOM and the
header go out at once, before any row is read; the rows follow in blocks of ~256 KiB, so a 100,000-row export
starts at once and never sits whole in memory.

On PostgreSQL the rows are written by the database itself: `COPY (SELECT …) TO STDOUT` over the filtered queryset,
its SELECT computing each cell exactly as the Python writer does (empty cells for NULL and empty text, decimal
comma, labels, jj/mm/aaaa dates, formula neutralisation). A Python row and an HTTP chunk per item cost eight times
PostgreSQL's own COPY; this costs about the COPY. Elsewhere (SQLite, `make run`) the rows go through Python's csv
writer (`equipment.weee.documents.csv_lines`), which stays the reference: both give the same bytes
(tests/equipment/exports/test_copy.py).
"""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, Func, TextField, Value, When

from equipment.enums import ItemCategory, ItemStatus
from equipment.filters import ItemFilter
from equipment.imports.csv_rows import FRENCH_HEADER
from equipment.models import Item
from equipment.weee.documents import csv_lines

CHUNK_SIZE = 2000
# Bytes sent at a time: big enough that the per-chunk cost of the response vanishes, small enough for flat memory.
BLOCK_BYTES = 256 * 1024
COLUMNS = (
    "asset_tag",
    "category",
    "manufacturer",
    "model",
    "serial_number",
    "status",
    "received_on",
    "donation__donor__name",
    "weight_kg",
    "notes",
)


# Columns whose stored code is written as its French label.
LABELS = {"category": dict(ItemCategory.choices), "status": dict(ItemStatus.choices)}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # what a French spreadsheet reads as a number; the import accepts it
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def export_rows(items) -> Iterator[list[str]]:
    yield list(FRENCH_HEADER)
    labels = [LABELS.get(name) for name in COLUMNS]
    for values in items.values_list(*COLUMNS).iterator(chunk_size=CHUNK_SIZE):
        yield [
            _cell(labelled.get(value, value) if labelled else value)
            for labelled, value in zip(labels, values, strict=True)
        ]


def _head() -> bytes:
    """The BOM and the header line, as `csv_lines` writes them."""
    return "".join(islice(csv_lines(iter([list(FRENCH_HEADER)])), 2)).encode()


class _TextCell(Func):
    """A text cell as `csv_lines` writes it. NULL for an empty text: COPY writes NULL as nothing but quotes an
    empty string (""). A leading = + - @ gets a quote before it, so that no spreadsheet runs it as a formula."""

    template = (
        "CASE WHEN LEFT(%(expressions)s, 1) IN ('=', '+', '-', '@') THEN '''' || %(expressions)s "
        "ELSE NULLIF(%(expressions)s, '') END"
    )
    output_field = TextField()


class _DateCell(Func):
    """A date as `_cell` writes it (jj/mm/aaaa), whatever the session's DateStyle."""

    template = "TO_CHAR(%(expressions)s, 'DD/MM/YYYY')"
    output_field = TextField()


def _label_cell(choices: dict[str, str]):
    """A code written as its French label, as `export_rows` does (labels never start with = + - @)."""

    def cell(expression):
        return Case(
            *(When(**{expression.name: code}, then=Value(label)) for code, label in choices.items()),
            default=_TextCell(expression),
            output_field=TextField(),
        )

    return cell


class _DecimalCell(Func):
    """A weight with a decimal comma, as `_cell` writes it (numeric(7,2) as text keeps its two decimals, like
    Python's Decimal); weights are never negative (a check constraint), so never taken for a formula."""

    template = "REPLACE(%(expressions)s::text, '.', ',')"
    output_field = TextField()


COPY_CELLS = {
    "received_on": _DateCell,
    "weight_kg": _DecimalCell,
    **{name: _label_cell(choices) for name, choices in LABELS.items()},
}


def _copy_statement(items) -> str:
    connection = connections[items.db]
    cells = items.values_list(*(COPY_CELLS.get(name, _TextCell)(F(name)) for name in COLUMNS))
    sql, params = cells.query.sql_with_params()
    # COPY takes no bind parameters: the filters' values are merged in by the driver, quoted as literals.
    select = connection.ops.compose_sql(sql, params)
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"


def _copy_blocks(items) -> Iterator[bytes]:
    """The rows written by PostgreSQL's COPY. Each message of the COPY is one row ending in \\n (a note's own line
    breaks are inside quotes, within the message): the Python writer ends rows with \\r\\n."""
    try:
        statement = _copy_statement(items)
    except EmptyResultSet:  # a queryset that can match nothing (.none()): no SQL at all
        return
    block = bytearray()
    with connections[items.db].cursor() as cursor, cursor.copy(statement) as copy:
        for row in copy:
            block += row[:-1]
            block += b"\r\n"
            if len(block) >= BLOCK_BYTES:
                yield bytes(block)
                block.clear()
    if block:
        yield bytes(block)


def _python_blocks(items) -> Iterator[bytes]:
    """The rows written by Python's csv writer (the reference format), grouped into blocks."""
    lines = islice(csv_lines(export_rows(items)), 2, None)  # without the BOM and the header
    block: list[str] = []
    size = 0
    for line in lines:
        block.append(line)
        size += len(line)
        if size >= BLOCK_BYTES:
            yield "".join(block).encode()
            block, size = [], 0
    if block:
        yield "".join(block).encode()


def export_blocks(items) -> Iterator[bytes]:
    """The CSV file of these items (a queryset, in the export's order): BOM and header first, before any query."""
    yield _head()
    if connections[items.db].vendor == "postgresql":
        yield from _copy_blocks(items)
    else:
        yield from _python_blocks(items)


def export_filter(data) -> ItemFilter:
    """The list's filters (/materiel/) over every item, in the export's order: oldest received first."""
    return ItemFilter(data, queryset=Item.objects.order_by("received_on", "id"))
